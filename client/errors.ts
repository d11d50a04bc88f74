/** Errors the krm client throws. Every server error carries the Kubernetes `Status` it answered. */

/** The Kubernetes `Status` object of an error answer. */
export interface KrmStatus {
  readonly kind?: "Status";
  readonly apiVersion?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A non-2xx answer (or an ERROR watch event): `code` is the HTTP code, `status` the Status body. */
export class KrmStatusError extends Error {
  override readonly name = "KrmStatusError";
  constructor(
    readonly code: number,
    readonly status: KrmStatus,
  ) {
    super(
      `krm answered ${code}${status.reason !== undefined ? ` ${status.reason}` : ""}: ${status.message ?? ""}`,
    );
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

/** The request did not complete within `timeoutMs`. */
export class KrmTimeoutError extends Error {
  override readonly name = "KrmTimeoutError";
}

/** krm could not be reached (after the configured retries). */
export class KrmConnectionError extends Error {
  override readonly name = "KrmConnectionError";
}

/** True for 410 Gone/Expired: relist (for a watch) or restart the list (for a continue token). */
export function isExpired(error: unknown): boolean {
  return error instanceof KrmStatusError && error.code === 410;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KrmStatusError && error.code === 404;
}
