/**
 * `/dashboard`: a live page of cache freshness, stream delay, event rate and drift, and the
 * JSON it polls. The API mounts the router: `app.use("/dashboard", dashboard.router)` serves
 * the page at `/dashboard` and its data at `/dashboard/data`.
 */
import { Router, type Request, type Response } from "express";
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import { createRedis, type RedisConnection } from "../../core/redis-connection.js";
import { reportRedisErrors } from "../../core/redis-health.js";
import type { PoolUsageReader } from "./capacity-panel.js";
import { DashboardDataSource } from "./dashboard-data.js";
import { dashboardPage } from "./page.js";

export type { DashboardData, KindDashboardData } from "./dashboard-data.js";
export type { PoolUsage, PoolUsageReader } from "./capacity-panel.js";

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
}

export interface Dashboard {
  /** `GET /` (the page) and `GET /data` (JSON); mount it at `/dashboard`. */
  readonly router: Router;
  /** Closes the Redis connection the dashboard opened, if any. */
  close(): Promise<void>;
}

/** Redis commands queue while it is down; the page gets a 503 instead of a hanging request. */
export const DATA_TIMEOUT_MS = 3000;

export function createDashboard(options: DashboardOptions): Dashboard {
  const ownsRedis = options.redis === undefined;
  const redis = options.redis ?? createRedis(options.redisUrl, "krm-dashboard");
  // Errors of a connection it opened are reported, never ioredis' "Unhandled error event".
  if (ownsRedis) reportRedisErrors(redis, options.logger);
  const source = new DashboardDataSource(redis, options.kinds, options.keyPrefix, options.now, options.pools);
  const page = dashboardPage();
  const router = Router();
  router.get("/", (_req: Request, res: Response) => {
    res.set("cache-control", "no-store").type("html").send(page);
  });
  router.get("/data", async (_req: Request, res: Response) => {
    try {
      res.set("cache-control", "no-store").json(await withTimeout(source.data(), DATA_TIMEOUT_MS));
    } catch (error) {
      options.logger.warn({ err: error }, "dashboard data unavailable");
      res
        .status(503)
        .set("retry-after", "1")
        .json({ error: "dashboard data unavailable: Redis not reachable" });
    }
  });
  return {
    router,
    close: async () => {
      if (ownsRedis) await redis.quit().catch(() => undefined);
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
