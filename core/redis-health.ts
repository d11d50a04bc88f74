/**
 * Whether Redis answers, for the three places that must say so honestly: the logs (a wrong
 * `--redis-url` shows up at the default level within seconds), a part's `/readyz`, and a
 * command that checks an explicit `--redis-url` before starting (`probeRedisUrl`).
 *
 * krm's connections retry forever and queue commands while Redis is down (core/redis-connection.ts),
 * so nothing fails on its own: these functions are how an outage becomes visible.
 */
import type { Logger } from "./logger.js";
import {
  createRedis,
  RedisUrlError,
  type RedisConnection,
  type RedisConnectOptions,
} from "./redis-connection.js";
import { redactSecrets, redactUrl } from "./redact.js";

/** A connection not ready this long after it was opened is reported, even without an error event. */
export const CONNECT_REPORT_MS = 3_000;
/** While an outage lasts, its error is logged again at most this often (a retry every 2 s would flood). */
export const REPEAT_REPORT_MS = 60_000;
/** How long a readiness PING may take: a probe that waits longer than this is already failing. */
export const PING_TIMEOUT_MS = 2_000;

export class RedisUnreachableError extends Error {
  override readonly name = "RedisUnreachableError";
}

/**
 * Logs a connection's trouble: the first error of an outage at error level at once, again at
 * most every {@link REPEAT_REPORT_MS} while it lasts (debug in between), and the recovery at
 * info. A connection still not ready {@link CONNECT_REPORT_MS} after this call is reported
 * too (a server that accepts TCP but never answers raises no error). Messages are redacted.
 */
export function reportRedisErrors(connection: RedisConnection, logger: Logger, now = Date.now): void {
  let failingSince: number | undefined;
  let lastReportAt = Number.NEGATIVE_INFINITY;
  const report = (reason: string): void => {
    const at = now();
    failingSince ??= at;
    const message = redactSecrets(reason);
    if (at - lastReportAt >= REPEAT_REPORT_MS) {
      lastReportAt = at;
      logger.error({ reason: message, failingForMs: at - failingSince }, "redis unreachable");
    } else {
      logger.debug({ reason: message }, "redis connection error");
    }
  };
  connection.on("error", (error: unknown) => report(errorText(error)));
  connection.on("ready", () => {
    if (failingSince !== undefined)
      logger.info({ downForMs: now() - failingSince }, "redis connection restored");
    failingSince = undefined;
    lastReportAt = Number.NEGATIVE_INFINITY;
  });
  setTimeout(() => {
    if (connection.status !== "ready" && failingSince === undefined && connection.status !== "end")
      report(`not ready ${CONNECT_REPORT_MS} ms after connecting (status ${connection.status})`);
  }, CONNECT_REPORT_MS).unref();
}

/** Resolves when `connection` answers PING within `timeoutMs`; rejects with the reason otherwise. */
export async function pingRedis(connection: RedisConnection, timeoutMs = PING_TIMEOUT_MS): Promise<void> {
  if (connection.status !== "ready") throw new RedisUnreachableError(`redis connection ${connection.status}`);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.ping(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new RedisUnreachableError(`redis did not answer PING within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Opens `url` once, PINGs and closes. Resolves undefined when Redis answers within
 * `timeoutMs`, else why not in a few words, redacted: the last connection error, the server's
 * reply (e.g. NOAUTH, WRONGPASS) or the URL's own error. The one probe for every command
 * that checks a `--redis-url` before starting (`krm run`, tests).
 */
export async function redisUnreachableReason(
  url: string,
  timeoutMs = 5_000,
  options: RedisConnectOptions = {},
): Promise<string | undefined> {
  let connection: RedisConnection;
  try {
    connection = createRedis(url, "krm-probe", options);
  } catch (error) {
    if (error instanceof RedisUrlError) return error.message;
    throw error;
  }
  let lastError: string | undefined;
  connection.on("error", (error: unknown) => {
    lastError = errorText(error);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(lastError ?? `no answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  try {
    const reason = await Promise.race([connection.ping().then(() => undefined, errorText), timeout]);
    return reason === undefined ? undefined : redactSecrets(reason);
  } finally {
    clearTimeout(timer);
    connection.disconnect();
  }
}

/** {@link redisUnreachableReason} as a one-line {@link RedisUnreachableError} naming the (redacted) URL. */
export async function probeRedisUrl(
  url: string,
  timeoutMs = 5_000,
  options: RedisConnectOptions = {},
): Promise<void> {
  const reason = await redisUnreachableReason(url, timeoutMs, options);
  if (reason !== undefined)
    throw new RedisUnreachableError(`cannot reach Redis at ${redactUrl(url)}: ${reason}`);
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return error.errors.map(errorText).join("; ");
  return error instanceof Error ? error.message : String(error);
}
