import { redactUrl } from "../../core/redact.js";
import { redisUnreachableReason } from "../../core/redis-health.js";

/** An explicit --redis-url that does not answer a PING within this long fails `krm run`. */
export const REDIS_PROBE_TIMEOUT_MS = 5_000;

/**
 * Whether the Redis at `url` answers PING within `timeoutMs`. Returns undefined when it does,
 * else why not in a few words (the last connection error, or the server's reply, e.g.
 * NOAUTH). The probe's connection errors never reach the "Unhandled error event" path.
 * One rule for every command: core/redis-health.ts.
 */
export function probeRedis(url: string, timeoutMs = REDIS_PROBE_TIMEOUT_MS): Promise<string | undefined> {
  return redisUnreachableReason(url, timeoutMs);
}

/** The URL without its password, for messages (core/redact.ts). */
export const withoutPassword = redactUrl;
