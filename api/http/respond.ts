/** Writing responses: JSON bodies as pre-built strings, and `Status` errors. */
import type { ServerResponse } from "node:http";
import { ApiError, statusOf } from "../errors.js";

export type Headers = Readonly<Record<string, string>>;

/** A body as the buffers that make it up, sent with one vectored write. */
export interface ChunkedBody {
  readonly chunks: readonly Buffer[];
  readonly length: number;
}

export function sendJson(
  response: ServerResponse,
  code: number,
  body: string | Buffer | ChunkedBody,
  headers: Headers = {},
): void {
  const length =
    typeof body === "string" ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : body.length;
  // A Content-Type among `headers` (a negotiated JSON form, accept.ts) replaces the plain one.
  response.writeHead(code, { "Content-Type": "application/json", ...headers, "Content-Length": length });
  if (typeof body === "string" || Buffer.isBuffer(body)) {
    response.end(body);
    return;
  }
  response.cork();
  for (const chunk of body.chunks) response.write(chunk);
  response.end();
  response.uncork();
}

export function sendText(
  response: ServerResponse,
  code: number,
  body: string,
  contentType = "text/plain; charset=utf-8",
): void {
  response.writeHead(code, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

/** Answers an error as a Kubernetes Status with its code (and Retry-After for 429 and 503). */
export function sendError(response: ServerResponse, error: unknown, headers: Headers = {}): number {
  const status = statusOf(error);
  const extra: Record<string, string> = { ...headers };
  if (error instanceof ApiError && error.retryAfterSeconds !== undefined)
    extra["Retry-After"] = String(error.retryAfterSeconds);
  if (response.headersSent) {
    response.destroy();
    return status.code;
  }
  sendJson(response, status.code, JSON.stringify(status), extra);
  return status.code;
}
