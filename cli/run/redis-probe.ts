import { createRedis, RedisUrlError } from "../../core/redis-connection.js";

/** An explicit --redis-url that does not answer a PING within this long fails `krm run`. */
export const REDIS_PROBE_TIMEOUT_MS = 5_000;

/**
 * Whether the Redis at `url` answers PING within `timeoutMs`. Returns undefined when it does,
 * else why not in a few words (the last connection error, or the server's reply, e.g.
 * NOAUTH). The probe's connection errors never reach the "Unhandled error event" path.
 */
export async function probeRedis(
  url: string,
  timeoutMs = REDIS_PROBE_TIMEOUT_MS,
): Promise<string | undefined> {
  let connection;
  try {
    connection = createRedis(url, "krm-probe");
  } catch (error) {
    if (error instanceof RedisUrlError) return error.message;
    throw error;
  }
  let lastError: string | undefined;
  connection.on("error", (error: unknown) => {
    lastError = error instanceof Error ? error.message : String(error);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(lastError ?? `no answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  try {
    return await Promise.race([
      connection.ping().then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    connection.disconnect();
  }
}

/** The URL without its password, for messages. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1:***@");
}
