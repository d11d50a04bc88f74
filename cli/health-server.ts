import { createServer, type Server } from "node:http";
import type { RunningPart } from "../core/running-part.js";

/** A `/readyz` whose dependency checks take longer than this answers 503: the probe would time out anyway. */
export const READINESS_TIMEOUT_MS = 2_500;

/**
 * `/healthz` and `/readyz` for a single part (streamer, verifier, aggregator, metrics), so
 * Kubernetes probes have something to ask. Live while the process runs. Ready once the part
 * has started and until it is stopping, and only while every `checkReady` of `parts` resolves
 * (Redis and the API server answer): a part that cannot do its work is not ready. The bodies
 * name no reason (the probe endpoints are open); the parts log reasons themselves.
 */
export interface HealthServer extends RunningPart {
  setReady(ready: boolean): void;
}

export async function startHealthServer(
  port: number,
  host = "0.0.0.0",
  parts: readonly RunningPart[] = [],
): Promise<HealthServer> {
  let ready = false;
  // Concurrent probes share one round of checks.
  let inFlight: Promise<boolean> | undefined;
  const dependenciesAnswer = (): Promise<boolean> => {
    inFlight ??= checkAll(parts).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const answer = (status: number, body: string): void => {
      response.writeHead(status, { "content-type": "text/plain" });
      response.end(body);
    };
    if (path === "/healthz") return answer(200, "ok");
    if (path !== "/readyz") return answer(404, "not found");
    if (!ready) return answer(503, "not ready");
    void dependenciesAnswer().then((ok) => answer(ok ? 200 : 503, ok ? "ok" : "not ready"));
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

async function checkAll(parts: readonly RunningPart[]): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
  });
  const checks = Promise.all(parts.map((part) => part.checkReady?.() ?? Promise.resolve())).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([checks, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
