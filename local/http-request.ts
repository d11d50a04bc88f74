import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** Per-request deadline: the servers polled here answer locally in milliseconds when up. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export interface HttpRequestOptions {
  readonly method?: string;
  /** Sent as JSON with `content-type: application/json`. */
  readonly json?: unknown;
  /** Raw body, sent as is (for line protocol and form bodies). */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** PEM trust anchors for https. */
  readonly ca?: string;
  /** Accept any https certificate: only for health probes of loopback processes a test started. */
  readonly insecureSkipVerify?: boolean;
  readonly bearerToken?: string;
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTP(S) request with the whole body read, for readiness polls and admin calls to test
 * servers. Node's fetch cannot take a custom CA without undici, hence node:https.
 */
export function httpRequestText(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined = options.body;
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers["content-type"] = "application/json";
  }
  if (options.bearerToken !== undefined) headers["authorization"] = `Bearer ${options.bearerToken}`;
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? "GET",
        headers,
        ca: options.ca,
        rejectUnauthorized: options.insecureSkipVerify !== true,
        timeout: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}
