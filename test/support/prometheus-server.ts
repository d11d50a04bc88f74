import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinaries } from "../../local/cluster/build.js";
import { freePort } from "../../local/free-port.js";
import { httpRequestText } from "../../local/http-request.js";
import { ManagedProcess, readTail } from "../../local/managed-process.js";
import { waitUntil } from "../../local/wait-until.js";

/** Prometheus opens an empty TSDB in a second or two; a loaded box is slower. */
export const PROMETHEUS_READY_TIMEOUT_MS = 60_000;

export interface PrometheusServerOptions {
  /** `host:port` targets scraped under job "cadvisor". */
  readonly targets: readonly string[];
  /** Scrape interval (Prometheus duration); default 1s so tests gather points quickly. */
  readonly scrapeInterval?: string;
}

/** A real Prometheus (built from github.com/prometheus/prometheus by local/cluster/build.ts) on a free loopback port. */
export interface PrometheusServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly logPath: string;
  /** Stops it and removes its data folder. */
  stop(): Promise<void>;
}

export async function startPrometheus(options: PrometheusServerOptions): Promise<PrometheusServer> {
  const { prometheus } = await ensureBinaries();
  const dir = await mkdtemp(join(tmpdir(), "krm-prometheus-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(dir, "prometheus.yml");
  const logPath = join(dir, "prometheus.log");
  const interval = options.scrapeInterval ?? "1s";
  await writeFile(
    configPath,
    [
      "global:",
      `  scrape_interval: ${interval}`,
      `  evaluation_interval: ${interval}`,
      "scrape_configs:",
      "  - job_name: cadvisor",
      "    honor_timestamps: true",
      `    static_configs: [{ targets: ${JSON.stringify(options.targets)} }]`,
      "",
    ].join("\n"),
  );
  const server = ManagedProcess.start({
    command: prometheus,
    args: [
      `--config.file=${configPath}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      "--log.level=warn",
    ],
    logPath,
  });
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => ((await httpRequestText(`${url}/-/ready`)).status === 200 ? true : undefined),
      {
        what: `prometheus on port ${port}`,
        timeoutMs: PROMETHEUS_READY_TIMEOUT_MS,
        abortReason: () => server.exited,
        describeFailure: () => readTail(logPath, 4_000),
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logPath, stop };
}
