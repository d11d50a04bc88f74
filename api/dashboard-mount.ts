/**
 * The mount point of `/dashboard` (owned by the metrics part, `api/dashboard/`): its
 * express router runs inside a minimal express app so it gets express's request and
 * response helpers, while the rest of the API stays on plain node:http for speed.
 */
import express from "express";
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import { createDashboard, type PoolUsageReader } from "./dashboard/index.js";
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
}): MountedDashboard {
  const dashboard = createDashboard({
    kinds: options.kinds,
    redisUrl: options.redisUrl,
    ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
    logger: options.logger,
    ...(options.pools !== undefined ? { pools: options.pools } : {}),
  });
  const app = express();
  app.disable("x-powered-by");
  app.use("/dashboard", dashboard.router);
  return { handler: (request, response) => void app(request, response), close: () => dashboard.close() };
}
