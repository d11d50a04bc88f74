/**
 * An exporter written for the tests that publishes the two cAdvisor series right-sizing
 * reads, for containers the test names, with shapes the test chooses:
 *   container_cpu_usage_seconds_total{namespace,pod,container}  counter: ∫ cpuCores(t) dt
 *   container_memory_working_set_bytes{namespace,pod,container} gauge:   memoryBytes(t)
 * (label names as the kubelet's cAdvisor endpoint publishes them). Every sample carries an
 * explicit timestamp (the exposition format allows it, Prometheus honours it by default), so
 * the CPU rate Prometheus computes is exactly the shape's, whatever the scrape jitter.
 */
import { createServer, type Server } from "node:http";

/** How finely the CPU counter integrates a non-constant shape (ms): exact for constant ones. */
const INTEGRATION_STEP_MS = 100;

export interface ContainerShape {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** CPU use in cores at `elapsedMs` after the container was added. */
  readonly cpuCores: (elapsedMs: number) => number;
  /** Working set in bytes at `elapsedMs` after the container was added. */
  readonly memoryBytes: (elapsedMs: number) => number;
}

export interface CadvisorExporter {
  /** http://127.0.0.1:<port>; the series are at `/metrics`. */
  readonly url: string;
  /** `127.0.0.1:<port>`, for a Prometheus static scrape target. */
  readonly target: string;
  /** Starts publishing a container's series; its clock starts now. */
  add(shape: ContainerShape): void;
  /** How many times `/metrics` was read (so a test can wait for scrapes). */
  readonly scrapes: number;
  stop(): Promise<void>;
}

interface Published {
  readonly shape: ContainerShape;
  readonly addedAt: number;
  /** Counter value and time up to which it was integrated. */
  cpuSeconds: number;
  integratedTo: number;
}

export async function startCadvisorExporter(options: { now?: () => number } = {}): Promise<CadvisorExporter> {
  const now = options.now ?? Date.now;
  const published: Published[] = [];
  let scrapes = 0;
  const server: Server = createServer((request, response) => {
    if (request.url !== "/metrics") {
      response.writeHead(404).end();
      return;
    }
    scrapes++;
    const at = now();
    const lines = [
      "# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.",
      "# TYPE container_cpu_usage_seconds_total counter",
      ...published.map(
        (entry) => `container_cpu_usage_seconds_total${labels(entry.shape)} ${cpuCounter(entry, at)} ${at}`,
      ),
      "# HELP container_memory_working_set_bytes Current working set in bytes.",
      "# TYPE container_memory_working_set_bytes gauge",
      ...published.map(
        (entry) =>
          `container_memory_working_set_bytes${labels(entry.shape)} ${Math.round(entry.shape.memoryBytes(at - entry.addedAt))} ${at}`,
      ),
    ];
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(`${lines.join("\n")}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("exporter has no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    target: `127.0.0.1:${address.port}`,
    add: (shape) => {
      const at = now();
      published.push({ shape, addedAt: at, cpuSeconds: 0, integratedTo: at });
    },
    get scrapes() {
      return scrapes;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Advances the counter to `at` (midpoint rule in steps: exact for constant and linear shapes). */
function cpuCounter(entry: Published, at: number): number {
  while (entry.integratedTo < at) {
    const step = Math.min(INTEGRATION_STEP_MS, at - entry.integratedTo);
    const middle = entry.integratedTo + step / 2 - entry.addedAt;
    entry.cpuSeconds += (entry.shape.cpuCores(middle) * step) / 1000;
    entry.integratedTo += step;
  }
  return entry.cpuSeconds;
}

function labels(shape: ContainerShape): string {
  const quote = (value: string): string => JSON.stringify(value);
  return `{namespace=${quote(shape.namespace)},pod=${quote(shape.pod)},container=${quote(shape.container)}}`;
}
