/** Writing responses: JSON bodies as pre-built strings, and `Status` errors. */
import type { ServerResponse } from "node:http";
import { ServiceUnavailableError, statusOf } from "../errors.js";

export type Headers = Readonly<Record<string, string>>;

export function sendJson(
  response: ServerResponse,
  code: number,
  body: string | Buffer,
  headers: Headers = {},
): void {
  response.writeHead(code, {
    ...headers,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  response.end(body);
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

/** Answers an error as a Kubernetes Status with its code (and Retry-After for 503). */
export function sendError(response: ServerResponse, error: unknown, headers: Headers = {}): number {
  const status = statusOf(error);
  const extra: Record<string, string> = { ...headers };
  if (error instanceof ServiceUnavailableError) extra["Retry-After"] = String(error.retryAfterSeconds);
  if (response.headersSent) {
    response.destroy();
    return status.code;
  }
  sendJson(response, status.code, JSON.stringify(status), extra);
  return status.code;
}
