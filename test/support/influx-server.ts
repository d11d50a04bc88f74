import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../local/free-port.js";
import { httpRequestText } from "../../local/http-request.js";
import { ManagedProcess, readTail } from "../../local/managed-process.js";
import { waitUntil } from "../../local/wait-until.js";

/** influxd 1.6 opens its (empty or small) stores in a second or two. */
export const INFLUX_READY_TIMEOUT_MS = 60_000;

export interface InfluxServerOptions {
  /** Folder for config, data and log; default a new temp folder, removed by stop. */
  readonly dir?: string;
  /** influxd binary; default `influxd` from PATH (Debian's influxdb package, InfluxDB 1.6). */
  readonly binary?: string;
  /** `[http] auth-enabled`: every request but /ping needs a user (create the first admin without one). */
  readonly authEnabled?: boolean;
}

/** A real InfluxDB 1.x on free loopback ports: v1 `/write` and InfluxQL `/query`, no `/api/v2`. */
export interface InfluxServer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly logPath: string;
  /** Stops the server; data stays until {@link remove} (or stop of a server that owns its folder). */
  stop(): Promise<void>;
  /** Starts it again after {@link stop}, same port and data; resolves once /ping answers. */
  start(): Promise<void>;
  /** Runs InfluxQL (POST /query, so writes such as CREATE DATABASE are allowed); throws on any error in the answer. */
  query(influxql: string, db: string): Promise<InfluxQueryResponse>;
  /** Writes line protocol (POST /write, precision ms). */
  write(lineProtocol: string, db: string): Promise<void>;
  /** Stops it for good and removes its temp folder. */
  remove(): Promise<void>;
}

/** The JSON InfluxDB 1.x returns from /query. */
export interface InfluxQueryResponse {
  readonly results: readonly {
    readonly statement_id?: number;
    readonly error?: string;
    readonly series?: readonly {
      readonly name: string;
      readonly tags?: Readonly<Record<string, string>>;
      readonly columns: readonly string[];
      readonly values: readonly (readonly unknown[])[];
    }[];
  }[];
  readonly error?: string;
}

/**
 * Starts `influxd` with a generated config: HTTP and RPC bind addresses on free loopback
 * ports, meta/data/wal in the temp folder, usage reporting and the internal monitor store off.
 */
export async function startInflux(options: InfluxServerOptions = {}): Promise<InfluxServer> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "krm-influx-")));
  const port = await freePort();
  const rpcPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(dir, "influxdb.conf");
  const logPath = join(dir, "influxd.log");
  await writeFile(
    configPath,
    influxConfig({ dir, port, rpcPort, authEnabled: options.authEnabled === true }),
  );
  let server: ManagedProcess | undefined;

  const start = async (): Promise<void> => {
    if (server !== undefined && server.exited === undefined) return;
    const started = ManagedProcess.start({
      command: options.binary ?? "influxd",
      args: ["run", "-config", configPath],
      logPath,
    });
    server = started;
    await waitUntil(async () => ((await httpRequestText(`${url}/ping`)).status === 204 ? true : undefined), {
      what: `influxd on port ${port}`,
      timeoutMs: INFLUX_READY_TIMEOUT_MS,
      abortReason: () => started.exited,
      describeFailure: () => readTail(logPath, 4_000),
    });
  };
  const stop = async (): Promise<void> => {
    await server?.stop();
  };
  const remove = async (): Promise<void> => {
    await stop();
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (error) {
    await remove();
    throw error;
  }

  return {
    url,
    port,
    logPath,
    stop,
    start,
    remove,
    query: (influxql, db) => runQuery(url, influxql, db),
    write: async (lineProtocol, db) => {
      const response = await httpRequestText(
        `${url}/write?${new URLSearchParams({ db, precision: "ms" }).toString()}`,
        { method: "POST", body: lineProtocol },
      );
      if (response.status !== 204)
        throw new Error(`influx write failed: ${response.status} ${response.body}`);
    },
  };
}

async function runQuery(url: string, influxql: string, db: string): Promise<InfluxQueryResponse> {
  const response = await httpRequestText(`${url}/query`, {
    method: "POST",
    body: new URLSearchParams({ q: influxql, db, epoch: "ms" }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });
  const parsed = JSON.parse(response.body) as InfluxQueryResponse;
  const error = parsed.error ?? parsed.results.find((result) => result.error !== undefined)?.error;
  if (response.status !== 200 || error !== undefined) {
    throw new Error(
      `influx query failed (${response.status}): ${error ?? response.body}\n  query: ${influxql}`,
    );
  }
  return parsed;
}

function influxConfig(options: { dir: string; port: number; rpcPort: number; authEnabled: boolean }): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${options.rpcPort}"

[meta]
  dir = "${join(options.dir, "meta")}"

[data]
  dir = "${join(options.dir, "data")}"
  wal-dir = "${join(options.dir, "wal")}"
  query-log-enabled = false
  wal-fsync-delay = "0s"

[http]
  enabled = true
  bind-address = "127.0.0.1:${options.port}"
  auth-enabled = ${String(options.authEnabled)}
  log-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[logging]
  level = "warn"
`;
}
