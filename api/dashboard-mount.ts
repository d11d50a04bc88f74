/**
 * The mount point of `/dashboard` (owned by the metrics part, `api/dashboard/`): the API's
 * router (api/http/route.ts) sends `/dashboard` and below to the dashboard's handler, on the
 * same node:http server as every other path (docs/routing.md).
 */
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import { createDashboard, type PoolUsageReader, type UsagePanelReader } from "./dashboard/index.js";
import type { DashboardHandler } from "./http/request-handler.js";

export interface MountedDashboard {
  readonly handler: DashboardHandler;
  close(): Promise<void>;
}

export function mountDashboard(options: {
  kinds: readonly KindSpec[];
  redisUrl: string;
  keyPrefix?: string;
  logger: Logger;
  pools?: PoolUsageReader;
  usage?: UsagePanelReader;
}): MountedDashboard {
  const dashboard = createDashboard({
    kinds: options.kinds,
    redisUrl: options.redisUrl,
    ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
    logger: options.logger,
    ...(options.pools !== undefined ? { pools: options.pools } : {}),
    ...(options.usage !== undefined ? { usage: options.usage } : {}),
  });
  return { handler: dashboard.handler, close: () => dashboard.close() };
}
