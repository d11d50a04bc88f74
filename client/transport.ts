/**
 * HTTP to krm: one GET with a timeout, retried with capped exponential backoff on 503, 429
 * and connection errors, honouring `Retry-After`. Other errors are thrown at once as
 * `KrmStatusError` carrying the server's Status.
 */
import { statusOfBody } from "../core/status-body.js";
import { KrmConnectionError, KrmStatusError, KrmTimeoutError, type KrmStatus } from "./errors.js";

/** Default per-request deadline. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Retries after the first attempt; 3 rides out an API replica restart. */
export const DEFAULT_RETRIES = 3;
/** First backoff; doubles per retry up to RETRY_CAP_MS, with up to 50% jitter. */
export const RETRY_BASE_MS = 200;
export const RETRY_CAP_MS = 5_000;
/** A server asking for a longer wait than this is waited this long at most. */
export const RETRY_AFTER_CAP_MS = 30_000;

export type SleepFunction = (ms: number) => Promise<void>;

export interface TransportOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Injected for tests: how the client waits between retries. */
  readonly sleep?: SleepFunction;
  readonly random?: () => number;
}

export class Transport {
  private readonly baseUrl: string;
  private readonly sleep: SleepFunction;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** GET `path` (with query) and resolve with the 2xx response; the body is unread for streaming callers. */
  async get(path: string, query: URLSearchParams, signal?: AbortSignal, stream = false): Promise<Response> {
    const url = `${this.baseUrl}${path}${query.size > 0 ? `?${query.toString()}` : ""}`;
    const retries = this.options.retries ?? DEFAULT_RETRIES;
    for (let attempt = 0; ; attempt++) {
      let waitMs: number;
      try {
        const response = await this.attempt(url, signal, stream);
        if (response.ok) return response;
        const status = await readStatus(response);
        const error = new KrmStatusError(response.status, status);
        if (!(response.status === 503 || response.status === 429) || attempt >= retries) throw error;
        waitMs = retryAfterMs(response.headers.get("retry-after")) ?? this.backoffMs(attempt);
      } catch (error) {
        if (error instanceof KrmStatusError || error instanceof KrmTimeoutError) throw error;
        if (signal?.aborted === true) throw error;
        if (attempt >= retries) {
          throw new KrmConnectionError(`cannot reach krm at ${this.baseUrl}: ${describe(error)}`, {
            cause: error,
          });
        }
        waitMs = this.backoffMs(attempt);
      }
      await this.sleep(waitMs);
    }
  }

  /**
   * One write (POST, PUT, DELETE) with a JSON body, never retried: a create that reached the
   * server but whose answer was lost must not be sent twice. Resolves with the 2xx response.
   */
  async send(
    method: "POST" | "PUT" | "DELETE",
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await this.attempt(
        url,
        signal,
        false,
        method,
        body === undefined ? undefined : JSON.stringify(body),
      );
    } catch (error) {
      if (error instanceof KrmTimeoutError || signal?.aborted === true) throw error;
      throw new KrmConnectionError(`cannot reach krm at ${this.baseUrl}: ${describe(error)}`, {
        cause: error,
      });
    }
    if (response.ok) return response;
    throw new KrmStatusError(response.status, await readStatus(response));
  }

  private async attempt(
    url: string,
    signal: AbortSignal | undefined,
    stream: boolean,
    method = "GET",
    body?: string,
  ): Promise<Response> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new KrmTimeoutError(`no answer from krm within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const response = await fetch(url, {
        method,
        ...(body !== undefined ? { body } : {}),
        headers: {
          Accept: "application/json",
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
          ...(this.options.token !== undefined ? { Authorization: `Bearer ${this.options.token}` } : {}),
        },
        signal: controller.signal,
      });
      // A whole body must also arrive in time; a stream only needs its headers to.
      if (!stream) {
        const body = await response.text();
        return new Response(body, { status: response.status, headers: response.headers });
      }
      return response;
    } catch (error) {
      const reason: unknown = controller.signal.reason;
      if (reason instanceof KrmTimeoutError) throw reason;
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private backoffMs(attempt: number): number {
    const base = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
    return Math.round(base * (1 + 0.5 * this.random()));
  }
}

async function readStatus(response: Response): Promise<KrmStatus> {
  const text = await response.text().catch(() => "");
  return statusOfBody(text, response.status, response.statusText);
}

/** `Retry-After` in seconds (krm sends seconds) or an HTTP date, capped. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), RETRY_AFTER_CAP_MS);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
