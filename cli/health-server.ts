import { createServer, type Server } from "node:http";
import type { RunningPart } from "../core/running-part.js";

/**
 * `/healthz` and `/readyz` for a single part (streamer, verifier, aggregator, metrics), so
 * Kubernetes probes have something to ask. Live while the process runs; ready once the part
 * has started and until it is stopping.
 */
export interface HealthServer extends RunningPart {
  setReady(ready: boolean): void;
}

export async function startHealthServer(port: number, host = "0.0.0.0"): Promise<HealthServer> {
  let ready = false;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const ok = path === "/healthz" || (path === "/readyz" && ready);
    const known = path === "/healthz" || path === "/readyz";
    response.writeHead(known ? (ok ? 200 : 503) : 404, { "content-type": "text/plain" });
    response.end(known ? (ok ? "ok" : "not ready") : "not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    name: "health",
    setReady: (value) => {
      ready = value;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        ready = false;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
