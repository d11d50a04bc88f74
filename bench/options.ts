import type { KrmMode } from "./krm-processes.js";
import { AUTH_MODES, type AuthMode } from "./phases/read-phase.js";

/**
 * Cells a run can be scoped to:
 * - `headline`: the read cells (latency and throughput, krm vs the API server) while the live
 *   writer changes pods, krm's once per auth mode, the API server's once;
 * - `frozen`: the same cells with no writes (krm's whole-list cache answers everything);
 * - `freshness`: write → visible at the freshness rates, krm vs an in-process informer, while
 *   the verifier runs;
 * - `verify-cycle`: namespace-list latency on krm during a verification cycle of pods, live writes;
 * - `memory`: the API replica's RSS after reads and at peak vs the cached JSON, and the API
 *   server's RSS (with a few verified reads of its own when `headline` is not run);
 * - `cost`: krm's requests to the API server at rest and with 1 / 50 readers.
 */
export const CELLS = ["headline", "frozen", "freshness", "verify-cycle", "memory", "cost"] as const;
export type Cell = (typeof CELLS)[number];

/** What one `npm run bench` does. Every option has a flag and an environment twin. */
export interface BenchOptions {
  /** Pod populations, ascending; the run grows the cluster from one to the next. */
  readonly sizes: readonly number[];
  readonly cells: ReadonlySet<Cell>;
  readonly auths: readonly AuthMode[];
  /** Writes/s of the live writer during the headline and verify-cycle cells. */
  readonly writeRate: number;
  /** Requests per latency cell and side for lists and gets, and for full lists. */
  readonly samples: number;
  readonly fullSamples: number;
  readonly throughputMs: number;
  readonly concurrency: number;
  /** In throughput cells, one krm answer in this many is checked against the API server. */
  readonly verifyEvery: number;
  readonly freshnessRates: readonly number[];
  readonly freshnessMs: number;
  /** Verification cycles the verify-cycle cell waits for. */
  readonly cycles: number;
  readonly costWindowMs: number;
  readonly verifyInterval: string;
  readonly repeat: number;
  readonly krmMode: KrmMode;
  readonly cpuProfile: boolean;
  readonly heapSnapshot: boolean;
  /** Run on a tree with uncommitted changes (the JSON and report say so). */
  readonly allowDirty: boolean;
  readonly quick: boolean;
  readonly resultsDir: string;
}

/** The cells at 10k pods. */
export const FULL_DEFAULTS = {
  sizes: [10000],
  cells: ["headline", "freshness", "verify-cycle", "memory"],
  samples: 200,
  fullSamples: 30,
  throughputMs: 10_000,
  freshnessMs: 60_000,
  costWindowMs: 60_000,
  verifyInterval: "30s",
} as const;

/** `--quick`: a smoke run of a few minutes at 1k pods that exercises every default cell. */
export const QUICK_DEFAULTS = {
  sizes: [1000],
  cells: FULL_DEFAULTS.cells,
  samples: 20,
  fullSamples: 5,
  throughputMs: 1500,
  freshnessMs: 10_000,
  costWindowMs: 15_000,
  verifyInterval: "10s",
} as const;

const FLAGS: Record<string, string> = {
  pods: "KRM_BENCH_PODS",
  cells: "KRM_BENCH_CELLS",
  auth: "KRM_BENCH_AUTH",
  "write-rate": "KRM_BENCH_WRITE_RATE",
  samples: "KRM_BENCH_SAMPLES",
  "full-samples": "KRM_BENCH_FULL_SAMPLES",
  "throughput-ms": "KRM_BENCH_THROUGHPUT_MS",
  concurrency: "KRM_BENCH_CONCURRENCY",
  "verify-every": "KRM_BENCH_VERIFY_EVERY",
  "fresh-rates": "KRM_BENCH_FRESH_RATES",
  "freshness-ms": "KRM_BENCH_FRESHNESS_MS",
  cycles: "KRM_BENCH_CYCLES",
  "cost-window-ms": "KRM_BENCH_COST_WINDOW_MS",
  "verify-interval": "KRM_BENCH_VERIFY_INTERVAL",
  repeat: "KRM_BENCH_REPEAT",
  "krm-mode": "KRM_BENCH_KRM_MODE",
  "cpu-prof": "KRM_BENCH_CPU_PROF",
  "heap-snapshot": "KRM_BENCH_HEAP_SNAPSHOT",
  "allow-dirty": "KRM_BENCH_ALLOW_DIRTY",
  quick: "KRM_BENCH_QUICK",
  "results-dir": "KRM_BENCH_RESULTS_DIR",
};

const SWITCHES = new Set(["quick", "cpu-prof", "heap-snapshot", "allow-dirty"]);

export const USAGE = `npm run bench -- [options]   (each option also reads the environment variable shown)
  --pods 10000[,50000]    pod populations, ascending                         KRM_BENCH_PODS
  --cells LIST            ${CELLS.join(",")}
                          (default ${FULL_DEFAULTS.cells.join(",")})         KRM_BENCH_CELLS
  --auth kubernetes,none  krm auth modes of the read cells, in order         KRM_BENCH_AUTH
  --write-rate 100        live writer's writes/s during read cells            KRM_BENCH_WRITE_RATE
  --samples 200           requests per latency cell and side (lists, gets)    KRM_BENCH_SAMPLES
  --full-samples 30       requests per latency cell and side (full lists)     KRM_BENCH_FULL_SAMPLES
  --throughput-ms 10000   length of each throughput cell                      KRM_BENCH_THROUGHPUT_MS
  --concurrency 32        clients of each throughput cell                     KRM_BENCH_CONCURRENCY
  --verify-every 20       throughput cells: check 1 krm answer in N           KRM_BENCH_VERIFY_EVERY
  --fresh-rates 100,200   writes/s of the freshness runs                      KRM_BENCH_FRESH_RATES
  --freshness-ms 60000    length of each freshness run                        KRM_BENCH_FRESHNESS_MS
  --cycles 1              verification cycles the verify-cycle cell reads through  KRM_BENCH_CYCLES
  --cost-window-ms 60000  cost windows (at rest, 1 reader, 50 readers)        KRM_BENCH_COST_WINDOW_MS
  --verify-interval 30s   krm verifier interval                               KRM_BENCH_VERIFY_INTERVAL
  --repeat 1              repetitions of the whole run (fresh control plane each)  KRM_BENCH_REPEAT
  --krm-mode split|run    one process per part (default) or one krm run       KRM_BENCH_KRM_MODE
  --cpu-prof              V8 CPU profiles of krm into the results dir         KRM_BENCH_CPU_PROF=1
  --heap-snapshot         heap snapshot of krm api at rest (cost cell)        KRM_BENCH_HEAP_SNAPSHOT=1
  --allow-dirty           run on uncommitted changes (marked dirty)           KRM_BENCH_ALLOW_DIRTY=1
  --quick                 smoke run: 1k pods, few samples, short cells        KRM_BENCH_QUICK=1
  --results-dir DIR       default bench/results                               KRM_BENCH_RESULTS_DIR`;

export class BenchUsageError extends Error {
  override readonly name = "BenchUsageError";
}

function numbers(name: string, text: string): number[] {
  const values = text.split(",").map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new BenchUsageError(`--${name}: expected positive integers separated by commas, got "${text}"`);
  }
  return values;
}

function positive(name: string, text: string): number {
  const [value] = numbers(name, text);
  if (value === undefined) throw new BenchUsageError(`--${name}: missing value`);
  return value;
}

function choices<T extends string>(name: string, text: string, allowed: readonly T[]): T[] {
  const picked = text.split(",").map((p) => p.trim());
  for (const value of picked) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new BenchUsageError(`--${name}: unknown value "${value}" (choose from ${allowed.join(", ")})`);
    }
  }
  return picked as T[];
}

/** Parses argv (after the script) and the environment; flags win over the environment. */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const given = new Map<string, string>();
  for (const [flag, variable] of Object.entries(FLAGS)) {
    const value = env[variable];
    if (value !== undefined && value !== "") given.set(flag, value);
  }
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? "";
    if (!arg.startsWith("--")) throw new BenchUsageError(`unexpected argument "${arg}"\n${USAGE}`);
    const [name = "", inline] = arg.slice(2).split("=", 2);
    if (!(name in FLAGS)) throw new BenchUsageError(`unknown option --${name}\n${USAGE}`);
    if (SWITCHES.has(name)) {
      given.set(name, inline ?? "1");
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined) throw new BenchUsageError(`--${name} needs a value`);
    if (inline === undefined) i += 1;
    given.set(name, value);
  }
  const flag = (name: string): boolean => ["1", "true", "yes"].includes(given.get(name) ?? "");
  const quick = flag("quick");
  const base = quick ? QUICK_DEFAULTS : FULL_DEFAULTS;
  const get = (name: string, fallback: string): string => given.get(name) ?? fallback;
  const mode = get("krm-mode", "split");
  if (mode !== "split" && mode !== "run")
    throw new BenchUsageError(`--krm-mode: split or run, got "${mode}"`);
  return {
    sizes: [...numbers("pods", get("pods", base.sizes.join(",")))].sort((a, b) => a - b),
    cells: new Set(choices("cells", get("cells", base.cells.join(",")), CELLS)),
    auths: [...new Set(choices("auth", get("auth", AUTH_MODES.join(",")), AUTH_MODES))],
    writeRate: positive("write-rate", get("write-rate", "100")),
    samples: positive("samples", get("samples", String(base.samples))),
    fullSamples: positive("full-samples", get("full-samples", String(base.fullSamples))),
    throughputMs: positive("throughput-ms", get("throughput-ms", String(base.throughputMs))),
    concurrency: positive("concurrency", get("concurrency", "32")),
    verifyEvery: positive("verify-every", get("verify-every", "20")),
    freshnessRates: numbers("fresh-rates", get("fresh-rates", "100,200")),
    freshnessMs: positive("freshness-ms", get("freshness-ms", String(base.freshnessMs))),
    cycles: positive("cycles", get("cycles", "1")),
    costWindowMs: positive("cost-window-ms", get("cost-window-ms", String(base.costWindowMs))),
    verifyInterval: get("verify-interval", base.verifyInterval),
    repeat: positive("repeat", get("repeat", "1")),
    krmMode: mode,
    cpuProfile: flag("cpu-prof"),
    heapSnapshot: flag("heap-snapshot"),
    allowDirty: flag("allow-dirty"),
    quick,
    resultsDir: get("results-dir", "bench/results"),
  };
}
