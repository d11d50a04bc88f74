/**
 * `/dashboard`: a live page of cache freshness, stream delay, event rate and drift, and the
 * JSON it polls. The API routes `/dashboard` and below to `handler` (node:http, as every other
 * path; docs/routing.md), which serves the page at `/dashboard` and its data at `/dashboard/data`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import { createRedis, type RedisConnection } from "../../core/redis-connection.js";
import { reportRedisErrors } from "../../core/redis-health.js";
import { NotFoundError, ServiceUnavailableError } from "../errors.js";
import { sendJson } from "../http/respond.js";
import type { PoolUsageReader } from "./capacity-panel.js";
import { DashboardDataSource } from "./dashboard-data.js";
import { dashboardPage } from "./page.js";
import type { UsagePanelReader } from "./usage-panel.js";

export type { DashboardData, KindDashboardData } from "./dashboard-data.js";
export type { PoolUsage, PoolUsageReader } from "./capacity-panel.js";
export type { NamespaceUsage, UsagePanel, UsagePanelReader } from "./usage-panel.js";

export interface DashboardOptions {
  kinds: readonly KindSpec[];
  /** Used to open a connection when `redis` is not given. */
  redisUrl: string;
  /** A connection to share (not closed by `close`); default: one opened from `redisUrl`. */
  redis?: RedisConnection;
  keyPrefix?: string;
  logger: Logger;
  now?: () => number;
  /** Node pools for the capacity panel; the panel is hidden without it. */
  pools?: PoolUsageReader;
  /** Usage per namespace for the usage panel; the panel is hidden without it. */
  usage?: UsagePanelReader;
}

export interface Dashboard {
  /**
   * Answers GET or HEAD `/dashboard` (the page) and `/dashboard/data` (JSON); other paths
   * below `/dashboard` and an unreachable Redis throw (404, 503) for the caller's Status.
   */
  readonly handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** Closes the Redis connection the dashboard opened, if any. */
  close(): Promise<void>;
}

/** Redis commands queue while it is down; the page gets a 503 instead of a hanging request. */
export const DATA_TIMEOUT_MS = 3000;

/** The page and its data change every second; nothing may cache them. */
const NO_STORE = { "Cache-Control": "no-store" };

export function createDashboard(options: DashboardOptions): Dashboard {
  const ownsRedis = options.redis === undefined;
  const redis = options.redis ?? createRedis(options.redisUrl, "krm-dashboard");
  // Errors of a connection it opened are reported, never ioredis' "Unhandled error event".
  if (ownsRedis) reportRedisErrors(redis, options.logger);
  const source = new DashboardDataSource(
    redis,
    options.kinds,
    options.keyPrefix,
    options.now,
    options.pools,
    options.usage,
  );
  const page = Buffer.from(dashboardPage());
  const data = async (response: ServerResponse): Promise<void> => {
    let body: string;
    try {
      body = JSON.stringify(await withTimeout(source.data(), DATA_TIMEOUT_MS));
    } catch (error) {
      options.logger.warn({ err: error }, "dashboard data unavailable");
      throw new ServiceUnavailableError("dashboard data unavailable: Redis not reachable", 1);
    }
    sendJson(response, 200, body, NO_STORE);
  };
  const handler = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = request.url ?? "/";
    const path = url.split("?", 1)[0];
    if (path === "/dashboard" || path === "/dashboard/") {
      response.writeHead(200, {
        ...NO_STORE,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": page.length,
      });
      response.end(page);
    } else if (path === "/dashboard/data") {
      await data(response);
    } else {
      throw new NotFoundError("the server could not find the requested resource");
    }
  };
  return {
    handler,
    // disconnect, not quit: a QUIT queued behind reads to an unreachable Redis never settles.
    close: () => {
      if (ownsRedis) redis.disconnect();
      return Promise.resolve();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
