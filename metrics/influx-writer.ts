/** What the flusher needs from InfluxDB: write a batch of line-protocol lines (ns precision). */
export interface InfluxWriter {
  /** Resolves once InfluxDB acknowledged the batch; rejects with {@link InfluxWriteError} otherwise. */
  write(lines: readonly string[]): Promise<void>;
  /** Which API this writer speaks, once known ("v1", "v2", or "unknown" before detection). */
  readonly api: string;
  close(): Promise<void>;
}

/**
 * A failed write. `retriable` says whether the same batch may succeed later (network error,
 * timeout, 5xx, 429, missing database that may be created) or never will (a 400: bad line
 * protocol, a field type conflict), in which case it is dropped as rejected.
 */
export class InfluxWriteError extends Error {
  override readonly name = "InfluxWriteError";
  constructor(
    message: string,
    readonly retriable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** HTTP statuses after which retrying the same request can succeed. */
const RETRIABLE_STATUSES = new Set([404, 408, 425, 429, 500, 502, 503, 504]);

export function isRetriableStatus(status: number): boolean {
  return RETRIABLE_STATUSES.has(status) || status >= 500;
}
