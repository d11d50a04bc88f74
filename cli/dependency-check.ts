import type { KubeAccess } from "../core/kube-access.js";
import { kubeGetJson } from "../core/kube-http.js";
import { createRedis } from "../core/redis-connection.js";
import { PING_TIMEOUT_MS, pingRedis } from "../core/redis-health.js";
import type { RunningPart } from "../core/running-part.js";

export interface DependencyCheckOptions {
  /** Names the check's own connection in `CLIENT LIST`. */
  readonly name: string;
  readonly redisUrl: string;
  /** The API server a part lists and watches; absent for parts that only use Redis. */
  readonly kubeConfig?: KubeAccess;
}

/**
 * The `checkReady` of a per-kind part: Redis answers PING and, for parts that talk to the
 * cluster, the API server answers `GET /version` (open to every caller, as the API server's
 * system:public-info-viewer role grants). The check has a connection of its own, so a PING
 * never waits behind the part's blocking reads. Errors are not logged here: the part's own
 * connection reports them (core/redis-health.ts `reportRedisErrors`).
 */
export function startDependencyCheck(options: DependencyCheckOptions): RunningPart {
  const redis = createRedis(options.redisUrl, `${options.name}-readiness`);
  redis.on("error", () => undefined);
  return {
    name: `${options.name} readiness`,
    checkReady: async () => {
      await pingRedis(redis);
      if (options.kubeConfig !== undefined)
        await kubeGetJson(options.kubeConfig, { path: "/version", timeoutMs: PING_TIMEOUT_MS });
    },
    stop: () => {
      redis.disconnect();
      return Promise.resolve();
    },
  };
}
