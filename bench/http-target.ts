import { readFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

/**
 * A server the benchmark sends requests to, with its own keep-alive connection pool, so each
 * side (krm, kube-apiserver) is measured with the same client code and reused connections.
 */
export interface HttpTarget {
  readonly name: string;
  readonly baseUrl: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: HttpAgent;
  readonly ca?: Buffer;
  readonly rejectUnauthorized: boolean;
}

/** Sockets kept per target: more than the highest client concurrency plus watches. */
export const MAX_SOCKETS_PER_TARGET = 128;

export interface HttpResult {
  readonly status: number;
  /** Response body bytes received. */
  readonly bytes: number;
  /** The body, only when asked for (`keepBody`); bodies of large lists are otherwise dropped as they stream. */
  readonly body?: Buffer;
  /** Response headers, only with `keepBody`. */
  readonly headers?: IncomingMessage["headers"];
}

export interface RequestOptions {
  readonly method?: string;
  readonly body?: string;
  readonly keepBody?: boolean;
  readonly contentType?: string;
  /** Fails the request when the socket is idle this long (default: no limit). */
  readonly timeoutMs?: number;
}

/** Only loopback servers are benchmarked: a bench must never load a real cluster by mistake. */
function requireLoopback(url: URL): void {
  if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost" && url.hostname !== "[::1]") {
    throw new Error(`refusing to benchmark ${url.origin}: only loopback servers are allowed`);
  }
}

export function plainTarget(name: string, baseUrl: string): HttpTarget {
  const url = new URL(baseUrl);
  requireLoopback(url);
  return {
    name,
    baseUrl: url,
    headers: {},
    agent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_TARGET }),
    rejectUnauthorized: true,
  };
}

/** The API server of `kubeConfig`'s current context, with its CA and bearer token. */
export function kubeTarget(name: string, kubeConfig: KubeConfig): HttpTarget {
  const cluster = kubeConfig.getCurrentCluster();
  const user = kubeConfig.getCurrentUser();
  if (cluster === null) throw new Error("kubeconfig has no current cluster");
  const url = new URL(cluster.server);
  requireLoopback(url);
  const ca =
    cluster.caData !== undefined
      ? Buffer.from(cluster.caData, "base64")
      : cluster.caFile !== undefined
        ? readFileSync(cluster.caFile)
        : undefined;
  const headers: Record<string, string> = {};
  if (user?.token !== undefined) headers["authorization"] = `Bearer ${user.token}`;
  const secure = url.protocol === "https:";
  const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_TARGET };
  return {
    name,
    baseUrl: url,
    headers,
    agent: secure
      ? new HttpsAgent({ ...agentOptions, ca, rejectUnauthorized: cluster.skipTLSVerify !== true })
      : new HttpAgent(agentOptions),
    ...(ca === undefined ? {} : { ca }),
    rejectUnauthorized: cluster.skipTLSVerify !== true,
  };
}

/** The same server and connection pool, reached with another bearer token (or none). */
export function withBearer(target: HttpTarget, name: string, token: string | undefined): HttpTarget {
  return { ...target, name, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } };
}

/** Sends one request and resolves once the whole response has arrived. */
export function send(target: HttpTarget, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const url = new URL(path, target.baseUrl);
  const headers: Record<string, string> = { accept: "application/json", ...target.headers };
  if (options.body !== undefined) {
    headers["content-type"] = options.contentType ?? "application/json";
    headers["content-length"] = String(Buffer.byteLength(options.body));
  }
  const requester = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = requester(
      url,
      { method: options.method ?? "GET", headers, agent: target.agent },
      (res: IncomingMessage) => {
        let bytes = 0;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (options.keepBody === true) chunks.push(chunk);
        });
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ...(options.keepBody === true ? { body: Buffer.concat(chunks), headers: res.headers } : {}),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      req.setTimeout(ms, () =>
        req.destroy(
          new Error(`${options.method ?? "GET"} ${target.name} ${path}: no answer within ${ms} ms`),
        ),
      );
    }
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** GET that parses JSON and fails on a non-2xx status. */
export async function getJson<T>(target: HttpTarget, path: string): Promise<T> {
  const result = await send(target, path, { keepBody: true });
  const text = result.body?.toString("utf8") ?? "";
  if (result.status < 200 || result.status >= 300) {
    throw new Error(`GET ${target.name} ${path}: HTTP ${result.status}: ${text.slice(0, 300)}`);
  }
  return JSON.parse(text) as T;
}

/** Non-GET with a JSON body; resolves with status and parsed body, never throws on status. */
export async function sendJson(
  target: HttpTarget,
  method: string,
  path: string,
  body: unknown,
  contentType?: string,
): Promise<{ status: number; body: unknown }> {
  const result = await send(target, path, {
    method,
    body: JSON.stringify(body),
    keepBody: true,
    ...(contentType === undefined ? {} : { contentType }),
  });
  const text = result.body?.toString("utf8") ?? "";
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Non-JSON bodies (proxies, panics) are kept as text for the error message.
  }
  return { status: result.status, body: parsed };
}

export function closeTarget(target: HttpTarget): void {
  target.agent.destroy();
}
