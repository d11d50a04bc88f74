import {
  API_SERVER_TARGETS,
  type AuthMode,
  type CellMode,
  type ReadCell,
  type ReadKind,
  type ReadTarget,
  type StateMode,
} from "./phases/read-phase.js";
import type { BenchResults, SizeResult } from "./result-types.js";
import { ratio, spread, type Spread } from "./stats.js";

/** One line of BENCHMARKS.md's summary: a figure per repetition, its spread, and its target. */
export interface Figure {
  readonly label: string;
  readonly pods: number;
  readonly unit: "x" | "ms" | "MiB" | "pods";
  readonly spread: Spread;
  /** Samples behind the figure in each repetition (per side for read cells). */
  readonly samplesPerRepetition: number | null;
  readonly target?: { readonly atLeast?: number; readonly atMost?: number };
}

const MIB = 1024 * 1024;

/**
 * Issue 13 sets the verification-cycle p99 target for a cycle of 50k pods and the RSS ÷ JSON
 * target at 10k and 50k; a larger population's figures are shown without a target.
 */
export const LARGEST_TARGET_POPULATION = 50_000;

/** Which krm cells a ratio is about; the API server cells it compares with are those of the same repetition. */
export interface CellWhere {
  readonly kind: ReadKind;
  readonly auth: AuthMode;
  readonly state: StateMode;
  readonly mode: CellMode;
}

/**
 * krm's cell at `where.auth`, or an API server cell of the same kind, state and mode: run once
 * for every auth mode (auth null), or, in results from before that, once per auth mode.
 */
function cellOf(cells: readonly ReadCell[], where: CellWhere, target: ReadTarget): ReadCell | undefined {
  return cells.find(
    (c) =>
      c.kind === where.kind &&
      c.state === where.state &&
      c.mode === where.mode &&
      c.target === target &&
      (c.auth === where.auth || (target !== "krm" && c.auth === null)),
  );
}

/**
 * krm at `where.auth` against the faster of the API server's two reads (rv=0 from its watch
 * cache, or consistent) in the same repetition: p50 latency speed-up for latency cells,
 * throughput ratio for throughput cells.
 */
export function speedUp(cells: readonly ReadCell[], where: CellWhere): number | null {
  const krm = cellOf(cells, where, "krm");
  const sides = API_SERVER_TARGETS.map((target) => cellOf(cells, where, target));
  // A side that answered nothing in a throughput cell (every request timed out or was refused)
  // has no finite ratio; the other side is the conservative one. The cells table shows it.
  const answered = sides.filter(
    (side) => where.mode === "latency" || side === undefined || side.requestsPerSecond > 0,
  );
  const ratios = (answered.length > 0 ? answered : sides).map((side) =>
    where.mode === "latency"
      ? ratio(side?.latencyMs.p50, krm?.latencyMs.p50)
      : ratio(krm?.requestsPerSecond, side?.requestsPerSecond),
  );
  if (ratios.some((r) => r === null)) return null;
  return Math.min(...(ratios as number[]));
}

/** Requests answered per CPU-second of the process that served them; null without CPU figures. */
function requestsPerCpuSecond(cell: ReadCell | undefined): number | null {
  const percent = cell?.server === undefined ? undefined : cell.cpu?.byProcess[cell.server];
  if (cell === undefined || percent === undefined || percent <= 0 || cell.requestsPerSecond <= 0) return null;
  return cell.requestsPerSecond / (percent / 100);
}

/**
 * krm's requests per CPU-second of its serving process ÷ the API server's (its more efficient
 * read) in the same repetition: how much the throughput ratio owes to each side's work per
 * request rather than to the share of the machine's cores each side got.
 */
export function perCpuRatio(cells: readonly ReadCell[], where: CellWhere): number | null {
  const krm = requestsPerCpuSecond(cellOf(cells, where, "krm"));
  const sides = API_SERVER_TARGETS.map((target) => requestsPerCpuSecond(cellOf(cells, where, target))).filter(
    (value): value is number => value !== null,
  );
  if (krm === null || sides.length === 0) return null;
  return ratio(krm, Math.max(...sides));
}

const READ_LABEL: Record<ReadKind, string> = {
  "namespace-list": "namespace list",
  "full-list": "full list",
  "selector-list": "label-selector list",
  get: "get",
};

/** Issue 13's freshness target: krm watch p99 at most this at this write rate. */
const FRESHNESS_TARGET_RATE = 200;
const FRESHNESS_TARGET_P99_MS = 50;

/** p50 targets of issue 13 (latency cells, auth on, live writes). */
const LATENCY_TARGETS: Partial<Record<ReadKind, number>> = { "namespace-list": 5, "full-list": 3 };
const THROUGHPUT_TARGET = 5;

function sizesAt(results: BenchResults, pods: number): SizeResult[] {
  return results.repetitions
    .map((r) => r.sizes.find((s) => s.pods === pods))
    .filter((s): s is SizeResult => s !== undefined);
}

/** Every figure of the summary this run's JSON holds, in the summary table's order. */
export function figures(results: BenchResults): Figure[] {
  const out: Figure[] = [];
  const allPods = [...new Set(results.repetitions.flatMap((r) => r.sizes.map((s) => s.pods)))].sort(
    (a, b) => a - b,
  );
  for (const pods of allPods) {
    const sizes = sizesAt(results, pods);
    const cells = sizes.map((s) => s.reads ?? []);
    const liveRate = sizes[0]?.liveWrites?.[0]?.targetPerSecond;
    const modes = new Set(
      cells
        .flat()
        .filter((c): c is ReadCell & { auth: AuthMode } => c.target === "krm" && c.auth !== null)
        .map((c) => `${c.state}/${c.auth}`),
    );
    for (const key of [...modes].sort()) {
      const [state = "live", auth = "none"] = key.split("/") as [StateMode, AuthMode];
      const context = `${state === "live" ? `live, ${liveRate ?? "?"} writes/s` : "frozen state"}, krm auth ${auth}`;
      const onTarget = state === "live" && auth === "kubernetes";
      for (const mode of ["latency", "throughput"] as const) {
        for (const kind of ["namespace-list", "full-list", "selector-list", "get"] as const) {
          const values = cells.map((c) => speedUp(c, { kind, auth, state, mode }));
          if (values.every((v) => v === null)) continue;
          const krmCells = cells.map((c) => cellOf(c, { kind, auth, state, mode }, "krm"));
          const goal = mode === "latency" ? LATENCY_TARGETS[kind] : THROUGHPUT_TARGET;
          const concurrency = krmCells.find((c) => c !== undefined)?.concurrency;
          out.push({
            label:
              mode === "latency"
                ? `${READ_LABEL[kind]} p50 speed-up (${context})`
                : `${READ_LABEL[kind]} throughput ratio, ${concurrency ?? "?"} clients (${context})`,
            pods,
            unit: "x",
            spread: spread(values),
            samplesPerRepetition: Math.min(...krmCells.map((c) => c?.requests ?? 0)),
            ...(onTarget && goal !== undefined ? { target: { atLeast: goal } } : {}),
          });
          const perCpu = cells.map((c) => perCpuRatio(c, { kind, auth, state, mode }));
          if (mode === "throughput" && onTarget && perCpu.some((v) => v !== null)) {
            out.push({
              label: `${READ_LABEL[kind]} requests per CPU-second of the serving process, krm ÷ API server (${context})`,
              pods,
              unit: "x",
              spread: spread(perCpu),
              samplesPerRepetition: Math.min(...krmCells.map((c) => c?.requests ?? 0)),
            });
          }
        }
      }
    }
    const rates = [...new Set(sizes.flatMap((s) => (s.freshness ?? []).map((f) => f.result.rate)))].sort(
      (a, b) => a - b,
    );
    for (const rate of rates) {
      const fresh = sizes.map((s) => s.freshness?.find((f) => f.result.rate === rate)?.result);
      out.push({
        label: `freshness p99, krm watch, ${rate} writes/s, verifier running`,
        pods,
        unit: "ms",
        spread: spread(fresh.map((f) => f?.krmWatch.latencyMs.p99 ?? null)),
        samplesPerRepetition: Math.min(...fresh.map((f) => f?.krmWatch.visible ?? 0)),
        ...(rate === FRESHNESS_TARGET_RATE ? { target: { atMost: FRESHNESS_TARGET_P99_MS } } : {}),
      });
      out.push({
        label: `freshness p99, in-process client-node informer (same run), ${rate} writes/s`,
        pods,
        unit: "ms",
        spread: spread(fresh.map((f) => f?.informer.latencyMs.p99 ?? null)),
        samplesPerRepetition: Math.min(...fresh.map((f) => f?.informer.visible ?? 0)),
      });
      // Freshness counts from the API server's answer; when it answers late it is saturated too.
      out.push({
        label: `API server write acknowledgement p50 (send → answer), ${rate} writes/s asked`,
        pods,
        unit: "ms",
        spread: spread(fresh.map((f) => f?.writer.ackLatencyMs.p50 ?? null)),
        samplesPerRepetition: Math.min(...fresh.map((f) => f?.writer.acked ?? 0)),
      });
    }
    const cycle = sizes.map((s) => s.verifyCycle);
    if (cycle.some((c) => c !== undefined)) {
      out.push({
        label: "namespace-list p99 during a verification cycle (live writes)",
        pods,
        unit: "ms",
        spread: spread(cycle.map((c) => c?.duringCycle.p99 ?? null)),
        samplesPerRepetition: Math.min(...cycle.map((c) => c?.duringCycle.count ?? 0)),
        ...(pods <= LARGEST_TARGET_POPULATION ? { target: { atMost: 100 } } : {}),
      });
    }
    const memory = sizes.map((s) => s.memory);
    if (memory.some((m) => m !== undefined)) {
      out.push({
        label: "API replica RSS after reads ÷ cached JSON",
        pods,
        unit: "x",
        spread: spread(memory.map((m) => m?.rssToJson ?? null)),
        samplesPerRepetition: null,
        ...(pods <= LARGEST_TARGET_POPULATION ? { target: { atMost: 2 } } : {}),
      });
      if (memory.some((m) => m?.emptyApiRssBytes !== undefined)) {
        out.push({
          label: "API replica RSS of a replica with nothing cached (same flags)",
          pods,
          unit: "MiB",
          spread: spread(memory.map((m) => (m?.emptyApiRssBytes == null ? null : m.emptyApiRssBytes / MIB))),
          samplesPerRepetition: null,
        });
        out.push({
          label: "(API replica RSS after reads − that empty replica's) ÷ cached JSON",
          pods,
          unit: "x",
          spread: spread(memory.map((m) => m?.cachedRssToJson ?? null)),
          samplesPerRepetition: null,
        });
      }
      out.push({
        label: "API replica peak RSS during reads ÷ cached JSON",
        pods,
        unit: "x",
        spread: spread(memory.map((m) => m?.peakToJson ?? null)),
        samplesPerRepetition: null,
      });
      out.push({
        label: "kube-apiserver RSS",
        pods,
        unit: "MiB",
        spread: spread(
          memory.map((m) =>
            m?.kubeApiServer === null || m === undefined ? null : m.kubeApiServer.rssBytes / MIB,
          ),
        ),
        samplesPerRepetition: null,
      });
    }
    out.push({
      label: "pods krm cached and served (equal to the API server's)",
      pods,
      unit: "pods",
      spread: spread(sizes.map((s) => (s.krmCaughtUpMs !== null && s.error === undefined ? s.pods : null))),
      samplesPerRepetition: null,
    });
  }
  return out;
}

/** Met when the worst repetition meets the target; null without a target or a figure. */
export function verdict(figure: Figure): boolean | null {
  const { target, spread: s } = figure;
  if (target === undefined || s.min === null || s.max === null) return null;
  if (target.atLeast !== undefined) return s.min >= target.atLeast;
  if (target.atMost !== undefined) return s.max <= target.atMost;
  return null;
}
