/**
 * A real krm stack for API integration tests: redis-server, the pipeline parts (streamer,
 * verifier, aggregator per kind) against the given cluster, and the API server.
 */
import { readFileSync } from "node:fs";
import type { KubeConfig } from "@kubernetes/client-node";
import { startApiServer, type ApiServerOptions } from "../../../api/index.js";
import type { KindSpec } from "../../../core/kinds.js";
import { createLogger } from "../../../core/logger.js";
import type { RunningPart } from "../../../core/running-part.js";
import { startParts, stopParts } from "../../pipeline/krm-parts.js";
import { startRedis, type RedisServer } from "../../../local/redis-server.js";
import { waitUntil } from "../../../local/wait-until.js";
import { httpGet } from "./http-get.js";

export interface KrmStack {
  readonly redis: RedisServer;
  readonly api: RunningPart & { url: string };
  readonly parts: RunningPart[];
  stop(): Promise<void>;
}

export async function startKrmStack(options: {
  kinds: readonly KindSpec[];
  kubeConfig: KubeConfig;
  api?: Partial<ApiServerOptions>;
}): Promise<KrmStack> {
  const logger = createLogger("krm-test", process.env["KRM_TEST_LOG_LEVEL"] ?? "warn");
  const redis = await startRedis();
  const parts = await startParts({
    kinds: options.kinds,
    kubeConfig: options.kubeConfig,
    redisUrl: redis.url,
    logger,
    verifyIntervalMs: 5_000,
    bookmarkSilenceMs: 90_000,
    watchTimeoutSeconds: 300,
  });
  const api = await startApiServer({
    kinds: options.kinds,
    redisUrl: redis.url,
    logger,
    host: "127.0.0.1",
    port: 0,
    auth: { mode: "none" },
    dashboard: false,
    feed: { blockMs: 200, checkIntervalMs: 200 },
    ...options.api,
  });
  const tls = options.api?.tls;
  const ca = tls === undefined ? undefined : readFileSync(tls.certFile);
  const readyz = () => httpGet(`${api.url}/readyz`, ca === undefined ? {} : { ca });
  await waitUntil(async () => ((await readyz()).status === 200 ? true : undefined), {
    what: "krm api ready",
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return {
    redis,
    api,
    parts,
    stop: async () => {
      await api.stop();
      await stopParts(parts);
      await redis.stop();
    },
  };
}
