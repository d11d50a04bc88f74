/**
 * Errors from talking to the API server, and the small predicates that classify them
 * (like client-go's `isExpiredError` / `isWatchErrorRetriable`). Callers decide what to
 * do from the predicates, never from ad-hoc checks of codes or messages.
 */

/** The parts of a Kubernetes `Status` object krm looks at. */
export interface KubeStatus {
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

/** A non-2xx answer from the API server, or an ERROR event in a watch stream. */
export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    readonly statusCode: number,
    readonly status: KubeStatus,
    options?: ErrorOptions,
  ) {
    super(
      `API server answered ${statusCode}${status.reason !== undefined ? ` ${status.reason}` : ""}: ${status.message ?? ""}`,
      options,
    );
  }
}

/** Network-level failure codes that a retry may cure. */
const RETRIABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

/** 410 Gone: the resourceVersion (or continue token) is older than etcd still holds. */
export function isGone(error: unknown): boolean {
  return error instanceof KubeApiError && (error.statusCode === 410 || error.status.code === 410);
}

/**
 * 410 on a LIST page: the continue token expired (etcd compacted past it). The list must
 * start over from the first page; its earlier pages are no longer a consistent snapshot.
 */
export function isExpiredContinue(error: unknown): boolean {
  return (
    isGone(error) &&
    error instanceof KubeApiError &&
    (error.status.reason === "Expired" || /continue/i.test(error.status.message ?? ""))
  );
}

/**
 * True when retrying the same request later may succeed: network errors, timeouts,
 * 429 and 5xx. Other API errors (400, 401, 403, 404, 410) need a different request or a
 * configuration fix; krm still retries them with backoff but logs them as errors.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof KubeApiError) {
    return error.statusCode === 429 || error.statusCode >= 500;
  }
  if (!(error instanceof Error)) return false;
  if (error.name === "AbortError" || error.name === "TimeoutError" || error.name === "WatchSilenceError")
    return true;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && RETRIABLE_NETWORK_CODES.has(code)) return true;
  return /socket hang up|aborted|premature close|network/i.test(error.message);
}

/**
 * True when the server rejected a streaming list (`sendInitialEvents=true`): servers
 * without the WatchList feature answer 400/422 (unknown or forbidden parameters) or
 * 403/405 behind proxies that only allow plain watches.
 */
export function isStreamingListUnsupported(error: unknown): boolean {
  return error instanceof KubeApiError && [400, 403, 405, 422, 501].includes(error.statusCode);
}

/** A watch that delivered no event or bookmark for longer than the bookmark period. */
export class WatchSilenceError extends Error {
  override readonly name = "WatchSilenceError";
}
