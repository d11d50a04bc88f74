import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../local/free-port.js";
import { ManagedProcess } from "../local/managed-process.js";
import { waitUntil } from "../local/wait-until.js";
import { getJson, plainTarget, type HttpTarget } from "./http-target.js";
import type { AuthMode } from "./phases/read-phase.js";

/** Kinds the population fills; krm caches just these so every process has work. */
export const BENCH_KINDS = ["pods", "deployments.apps", "services", "nodes"] as const;

/** Plain reads only: capacity views would need kinds (namespaces, resourcequotas) the bench does not stream. */
export const KRM_SERVE_ARGS = ["--no-capacity"] as const;

/**
 * `split`: one process per part and kind plus one API process, as in production, so CPU and
 * RSS are attributable per part. `run`: everything in one `krm run` process.
 */
export type KrmMode = "split" | "run";

export interface KrmOptions {
  readonly mode: KrmMode;
  readonly kubeconfigPath: string;
  readonly redisUrl: string;
  readonly verifyInterval: string;
  readonly logDir: string;
  /** Write V8 CPU profiles (`--cpu-prof`) into this folder when set. */
  readonly cpuProfileDir?: string;
  /** Let every krm process write a heap snapshot into this folder on SIGUSR2 when set. */
  readonly heapSnapshotDir?: string;
  /** pino level for krm; `warn` keeps per-event logging out of the measurement. */
  readonly logLevel: string;
  /** More flags for the serving process (`run`, or `api` when split), e.g. `--no-capacity`. */
  readonly serveArgs?: readonly string[];
  /**
   * One API replica per mode (default `none` only); the first is the measured `api` (or `run`)
   * process, others are extra `krm api` processes named `api-<mode>` on the same Redis.
   */
  readonly auths?: readonly AuthMode[];
}

export interface KrmProcesses {
  /** The measured API replica (the first auth mode's), without credentials. */
  readonly api: HttpTarget;
  /** The API replica of each auth mode, without credentials. */
  readonly apis: ReadonlyMap<AuthMode, HttpTarget>;
  /** Process serving each auth mode's API. */
  readonly apiProcess: ReadonlyMap<AuthMode, string>;
  /** Process name (`api`, `streamer/pods`, …) to pid. */
  readonly pids: Record<string, number>;
  stop(): Promise<void>;
}

/** Time for krm's first full list at 50k pods and a loaded machine. */
export const KRM_READY_TIMEOUT_MS = 600_000;

/** krm's launcher (its runtime settings: docs/architecture.md, "Memory"), as users start krm. */
const KRM_LAUNCHER = fileURLToPath(new URL("../../bin/krm", import.meta.url));

/** Starts `krm <args>` through bin/krm; `nodeOptions` (profiling flags) go in NODE_OPTIONS. */
export function startKrmProcess(
  args: readonly string[],
  logPath: string,
  nodeOptions: readonly string[] = [],
): ManagedProcess {
  const inherited = process.env["NODE_OPTIONS"] ?? "";
  return ManagedProcess.start({
    command: KRM_LAUNCHER,
    args: [...args],
    logPath,
    env: {
      ...process.env,
      KRM_QUIET: "1",
      ...(nodeOptions.length === 0 ? {} : { NODE_OPTIONS: [inherited, ...nodeOptions].join(" ").trim() }),
    },
  });
}

export async function startKrm(options: KrmOptions): Promise<KrmProcesses> {
  const [firstAuth = "none", ...otherAuths] = options.auths ?? ["none"];
  const port = await freePort();
  const nodeArgs = [
    ...(options.cpuProfileDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`]),
    ...(options.heapSnapshotDir === undefined
      ? []
      : ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${options.heapSnapshotDir}`]),
  ];
  const common = ["--redis-url", options.redisUrl, "--log-level", options.logLevel];
  const kube = ["--kubeconfig", options.kubeconfigPath];
  const processes = new Map<string, ManagedProcess>();
  const spawn = (name: string, args: string[]): void => {
    processes.set(
      name,
      startKrmProcess(args, join(options.logDir, `krm-${name.replace("/", "-")}.log`), nodeArgs),
    );
  };
  const kinds = BENCH_KINDS.join(",");
  if (options.mode === "run") {
    spawn("run", [
      "run",
      ...common,
      ...kube,
      "--kinds",
      kinds,
      "--port",
      String(port),
      "--verify-interval",
      options.verifyInterval,
      ...(options.serveArgs ?? []),
      ...authArgs(firstAuth, undefined),
    ]);
  } else {
    for (const kind of BENCH_KINDS) {
      spawn(`aggregator/${kind}`, ["aggregator", ...common, "--kind", kind, "--health-port", "0"]);
      spawn(`streamer/${kind}`, ["streamer", ...common, ...kube, "--kind", kind, "--health-port", "0"]);
      spawn(`verifier/${kind}`, [
        "verifier",
        ...common,
        ...kube,
        "--kind",
        kind,
        "--health-port",
        "0",
        "--verify-interval",
        options.verifyInterval,
      ]);
    }
    spawn("api", apiArgs({ ...options, port, auth: firstAuth }));
  }
  const apis = new Map<AuthMode, HttpTarget>([[firstAuth, plainTarget("krm", `http://127.0.0.1:${port}`)]]);
  const apiProcess = new Map<AuthMode, string>([[firstAuth, options.mode === "run" ? "run" : "api"]]);
  for (const auth of otherAuths) {
    const extraPort = await freePort();
    spawn(`api-${auth}`, apiArgs({ ...options, port: extraPort, auth }));
    apis.set(auth, plainTarget(`krm-${auth}`, `http://127.0.0.1:${extraPort}`));
    apiProcess.set(auth, `api-${auth}`);
  }
  const stop = async (): Promise<void> => {
    await Promise.all([...processes.values()].map((p) => p.stop()));
  };
  const pids: Record<string, number> = {};
  for (const [name, child] of processes) if (child.pid !== undefined) pids[name] = child.pid;
  try {
    await waitUntil(
      async () => {
        for (const api of apis.values()) {
          const res = await fetch(`${api.baseUrl.origin}/readyz`);
          if (res.status !== 200) return undefined;
        }
        return true;
      },
      {
        what: "krm /readyz",
        timeoutMs: KRM_READY_TIMEOUT_MS,
        intervalMs: 250,
        abortReason: () =>
          [...processes.entries()]
            .map(([n, p]) => (p.exited === undefined ? undefined : `${n}: ${p.exited}`))
            .find((r) => r !== undefined),
        describeFailure: async () =>
          (await Promise.all([...processes.values()].map((p) => p.logTail(2000)))).join("\n"),
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const api = apis.get(firstAuth);
  if (api === undefined) throw new Error("no krm API replica");
  return { api, apis, apiProcess, pids, stop };
}

/** The arguments of one `krm api` replica of the bench kinds (after the CLI path). */
export function apiArgs(options: {
  readonly redisUrl: string;
  readonly logLevel: string;
  readonly port: number;
  readonly auth: AuthMode;
  readonly kubeconfigPath: string;
  readonly serveArgs?: readonly string[];
  /** Redis key prefix; krm's default when absent. */
  readonly keyPrefix?: string;
}): string[] {
  return [
    "api",
    "--redis-url",
    options.redisUrl,
    "--log-level",
    options.logLevel,
    ...(options.keyPrefix === undefined ? [] : ["--key-prefix", options.keyPrefix]),
    "--kinds",
    BENCH_KINDS.join(","),
    "--port",
    String(options.port),
    ...(options.serveArgs ?? []),
    ...authArgs(options.auth, options.kubeconfigPath),
  ];
}

/** `--auth kubernetes` reviews tokens and requests against the API server of `kubeconfig` (`krm run` has it already). */
function authArgs(auth: AuthMode, kubeconfig: string | undefined): string[] {
  if (auth === "none") return ["--auth", "none"];
  return ["--auth", "kubernetes", ...(kubeconfig === undefined ? [] : ["--kubeconfig", kubeconfig])];
}

interface ListBody {
  readonly items?: unknown[];
}

/** Waits until krm serves exactly `expected` objects at `path` (it has caught up with the population). */
export async function waitForCount(
  api: HttpTarget,
  path: string,
  expected: number,
  timeoutMs = KRM_READY_TIMEOUT_MS,
): Promise<number> {
  const started = performance.now();
  let last = -1;
  await waitUntil(
    async () => {
      const list = await getJson<ListBody>(api, path);
      last = list.items?.length ?? 0;
      return last === expected ? true : undefined;
    },
    {
      what: `krm to serve ${expected} objects at ${path}`,
      timeoutMs,
      intervalMs: 500,
      describeFailure: () => `last list held ${last}`,
    },
  );
  return Math.round(performance.now() - started);
}
