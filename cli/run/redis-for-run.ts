import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { untilAborted } from "../../core/until-aborted.js";
import { startPrivateRedis } from "../private-redis.js";
import { StartupError } from "../startup-error.js";
import { probeRedis, REDIS_PROBE_TIMEOUT_MS, withoutPassword } from "./redis-probe.js";
import { krmStateDir, redisDataDir } from "./state-dir.js";

export interface RunRedisOptions {
  /** --redis-url when the user gave it (flag or REDIS_URL), else undefined. */
  readonly url: string | undefined;
  /** --wait-for-redis: an unreachable explicit URL is waited for instead of failing. */
  readonly wait: boolean;
  /** The API server krm caches; names the private Redis data folder. */
  readonly server: string;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** A stop signal while starting: a private redis-server is stopped, a probe not waited for. */
  readonly signal: AbortSignal;
}

export interface RunRedis {
  readonly url: string;
  /** The private redis-server, when krm started one (stop it last). */
  readonly part?: RunningPart;
}

/**
 * The Redis of `krm run`: the user's (checked to answer within a few seconds, so a wrong URL
 * is one clear line instead of endless reconnects), or else a private redis-server whose data
 * lives under the state folder per cluster, so the next start against that cluster is warm.
 */
export async function redisForRun(options: RunRedisOptions): Promise<RunRedis> {
  const { url, logger } = options;
  if (url === undefined) {
    const dir = redisDataDir(krmStateDir(options.env), options.server);
    const redis = await startPrivateRedis({ dir, logger, env: options.env, signal: options.signal });
    return { url: redis.url, part: redis.part };
  }
  if (options.wait) {
    logger.info({ redisUrl: withoutPassword(url) }, "using the given Redis; waiting for it if it is down");
    return { url };
  }
  const problem = await untilAborted(probeRedis(url, REDIS_PROBE_TIMEOUT_MS), options.signal);
  if (problem !== undefined) {
    throw new StartupError(
      `cannot reach Redis at ${withoutPassword(url)}: ${problem} (fix --redis-url, leave it unset to let krm start its own redis-server, or pass --wait-for-redis)`,
    );
  }
  return { url };
}
