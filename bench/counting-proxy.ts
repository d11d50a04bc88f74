import type { IncomingMessage, ServerResponse } from "node:http";
import { Agent as HttpsAgent, createServer, request as httpsRequest, type Server } from "node:https";

/** Path the proxy answers itself with its counters; krm never asks for it. */
export const COUNTS_PATH = "/__bench/counts";

/** What krm asked the API server for, by `verb resource` (`list pods`, `watch pods`, …). */
export interface ProxyCounts {
  readonly total: number;
  readonly byVerb: Record<string, number>;
  readonly responseBytes: number;
}

export interface CountingProxyOptions {
  readonly upstream: URL;
  readonly ca?: Buffer;
  /** Serving key and certificate: the API server's own, so krm trusts the proxy with the same CA. */
  readonly key: Buffer;
  readonly cert: Buffer;
  readonly host: string;
  readonly port: number;
}

/**
 * Classifies a request as kube-apiserver's own metrics would: `watch` for `watch=true`,
 * `list` for a GET on a collection, `get` for a GET on one object, else the HTTP method.
 */
export function classify(method: string, rawUrl: string): string {
  const url = new URL(rawUrl, "http://proxy");
  const segments = url.pathname.split("/").filter((s) => s !== "");
  // /api/v1/<res>[/<name>] or /api/v1/namespaces/<ns>/<res>[/<name>]; /apis/<g>/<v>/… likewise.
  const rest =
    segments[0] === "api" ? segments.slice(2) : segments[0] === "apis" ? segments.slice(3) : segments;
  const scoped = rest[0] === "namespaces" && rest.length >= 3 ? rest.slice(2) : rest;
  const resource = scoped[0] ?? "(root)";
  if (method === "GET") {
    if (url.searchParams.get("watch") === "true" || url.searchParams.get("watch") === "1")
      return `watch ${resource}`;
    return scoped.length >= 2 ? `get ${resource}` : `list ${resource}`;
  }
  return `${method.toLowerCase()} ${resource}`;
}

/**
 * A TLS proxy in front of the API server, given to krm as its server, that counts every
 * request krm makes (kube-apiserver's request metrics carry no user agent, so they cannot
 * single krm out). It runs in its own process so its CPU is not the benchmark's.
 */
export function startCountingProxy(options: CountingProxyOptions): Promise<Server> {
  const byVerb: Record<string, number> = {};
  let total = 0;
  let responseBytes = 0;
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: 256, ca: options.ca });
  const server = createServer(
    { key: options.key, cert: options.cert },
    (req: IncomingMessage, res: ServerResponse) => {
      const rawUrl = req.url ?? "/";
      if (rawUrl === COUNTS_PATH) {
        const counts: ProxyCounts = { total, byVerb, responseBytes };
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(counts));
        return;
      }
      total += 1;
      const verb = classify(req.method ?? "GET", rawUrl);
      byVerb[verb] = (byVerb[verb] ?? 0) + 1;
      const headers = { ...req.headers, host: options.upstream.host };
      const upstream = httpsRequest(
        new URL(rawUrl, options.upstream),
        { method: req.method, headers, agent },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.on("data", (chunk: Buffer) => {
            responseBytes += chunk.length;
          });
          upstreamRes.pipe(res);
        },
      );
      upstream.on("error", () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      res.on("close", () => upstream.destroy());
      req.pipe(upstream);
    },
  );
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
