import type { KrmMode } from "./krm-processes.js";

/** What one `npm run bench` does. Every option has a flag and an environment twin. */
export interface BenchOptions {
  /** Pod populations, ascending; the run grows the cluster from one to the next. */
  readonly sizes: readonly number[];
  readonly phases: ReadonlySet<Phase>;
  /** Length of each read-latency cell (one request kind × target × concurrency). */
  readonly cellMs: number;
  readonly concurrencies: readonly number[];
  readonly writeRates: readonly number[];
  /** Length of each freshness run (one write rate). */
  readonly freshnessMs: number;
  /** Window for cost at rest and with 1 / 50 readers. */
  readonly costWindowMs: number;
  readonly verifyInterval: string;
  readonly krmMode: KrmMode;
  readonly cpuProfile: boolean;
  /** Heap snapshot of the API process at rest, for the RSS target. */
  readonly heapSnapshot: boolean;
  readonly quick: boolean;
  /** Where raw JSON goes. */
  readonly resultsDir: string;
}

export const PHASES = ["read", "freshness", "cost"] as const;
export type Phase = (typeof PHASES)[number];

/** The populations and rates; a full run takes about 35 minutes on two cores. */
export const FULL_DEFAULTS = {
  sizes: [1000, 10000, 50000],
  cellMs: 5000,
  concurrencies: [1, 8, 32],
  writeRates: [50, 200, 500],
  freshnessMs: 60_000,
  costWindowMs: 60_000,
  verifyInterval: "30s",
} as const;

/** `--quick`: a smoke run of a few minutes that exercises every phase. */
export const QUICK_DEFAULTS = {
  sizes: [1000],
  cellMs: 1500,
  concurrencies: [1, 8, 32],
  writeRates: [50, 200, 500],
  freshnessMs: 10_000,
  costWindowMs: 15_000,
  verifyInterval: "10s",
} as const;

const FLAGS: Record<string, string> = {
  sizes: "KRM_BENCH_SIZES",
  phases: "KRM_BENCH_PHASES",
  "cell-ms": "KRM_BENCH_CELL_MS",
  concurrency: "KRM_BENCH_CONCURRENCY",
  rates: "KRM_BENCH_RATES",
  "freshness-ms": "KRM_BENCH_FRESHNESS_MS",
  "cost-window-ms": "KRM_BENCH_COST_WINDOW_MS",
  "verify-interval": "KRM_BENCH_VERIFY_INTERVAL",
  "krm-mode": "KRM_BENCH_KRM_MODE",
  "cpu-prof": "KRM_BENCH_CPU_PROF",
  "heap-snapshot": "KRM_BENCH_HEAP_SNAPSHOT",
  quick: "KRM_BENCH_QUICK",
  "results-dir": "KRM_BENCH_RESULTS_DIR",
};

export const USAGE = `npm run bench -- [options]   (each option also reads the environment variable shown)
  --quick                 smoke run: 1k pods, short cells and windows        KRM_BENCH_QUICK=1
  --sizes 1000,10000      pod populations, ascending                         KRM_BENCH_SIZES
  --phases read,freshness,cost                                               KRM_BENCH_PHASES
  --cell-ms 5000          length of each read latency/throughput cell       KRM_BENCH_CELL_MS
  --concurrency 1,8,32    concurrent readers per cell                        KRM_BENCH_CONCURRENCY
  --rates 50,200,500      writes/s of the freshness runs                     KRM_BENCH_RATES
  --freshness-ms 60000    length of each freshness run                       KRM_BENCH_FRESHNESS_MS
  --cost-window-ms 60000  cost window (at rest, 1 reader, 50 readers)        KRM_BENCH_COST_WINDOW_MS
  --verify-interval 30s   krm verifier interval                              KRM_BENCH_VERIFY_INTERVAL
  --krm-mode split|run    one process per part (default) or one krm run      KRM_BENCH_KRM_MODE
  --cpu-prof              write V8 CPU profiles of krm into the results dir  KRM_BENCH_CPU_PROF=1
  --heap-snapshot         heap snapshot of krm api at rest, same folder      KRM_BENCH_HEAP_SNAPSHOT=1
  --results-dir DIR       default bench/results                              KRM_BENCH_RESULTS_DIR`;

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
    if (name === "quick" || name === "cpu-prof" || name === "heap-snapshot") {
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
  const get = (name: string): string | undefined => given.get(name);
  const sizes = numbers("sizes", get("sizes") ?? base.sizes.join(","));
  const phaseNames = (get("phases") ?? PHASES.join(",")).split(",").map((p) => p.trim());
  for (const phase of phaseNames) {
    if (!(PHASES as readonly string[]).includes(phase)) {
      throw new BenchUsageError(`--phases: unknown phase "${phase}" (phases are ${PHASES.join(", ")})`);
    }
  }
  const mode = get("krm-mode") ?? "split";
  if (mode !== "split" && mode !== "run")
    throw new BenchUsageError(`--krm-mode: split or run, got "${mode}"`);
  return {
    sizes: [...sizes].sort((a, b) => a - b),
    phases: new Set(phaseNames as Phase[]),
    cellMs: positive("cell-ms", get("cell-ms") ?? String(base.cellMs)),
    concurrencies: numbers("concurrency", get("concurrency") ?? base.concurrencies.join(",")),
    writeRates: numbers("rates", get("rates") ?? base.writeRates.join(",")),
    freshnessMs: positive("freshness-ms", get("freshness-ms") ?? String(base.freshnessMs)),
    costWindowMs: positive("cost-window-ms", get("cost-window-ms") ?? String(base.costWindowMs)),
    verifyInterval: get("verify-interval") ?? base.verifyInterval,
    krmMode: mode,
    cpuProfile: flag("cpu-prof"),
    heapSnapshot: flag("heap-snapshot"),
    quick,
    resultsDir: get("results-dir") ?? "bench/results",
  };
}
