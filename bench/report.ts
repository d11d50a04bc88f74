// Renders bench/results/*.json as Markdown:
//   node dist/bench/report.js <file>.json [...]              summary table, machine lines, every cell, memory
//   node dist/bench/report.js --write BENCHMARKS.md <file>.json [...]
//     replaces the summary between BENCHMARKS.md's `<!-- summary:start -->` / `<!-- summary:end -->`.
import { readFile, writeFile } from "node:fs/promises";
import { BUSY_WINDOW_MS } from "./busiest-processes.js";
import type { CpuShares } from "./cpu-shares.js";
import type { BenchResults } from "./result-types.js";
import type { Spread } from "./stats.js";
import { figures, verdict, type Figure } from "./summary.js";

export const SUMMARY_START = "<!-- summary:start -->";
export const SUMMARY_END = "<!-- summary:end -->";

export interface Source {
  /** The JSON's path as the document cites it. */
  readonly path: string;
  readonly results: BenchResults;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

function number(value: number | null, unit: Figure["unit"]): string {
  if (value === null) return "–";
  if (unit === "pods") return String(value);
  const digits = unit === "x" ? (value >= 10 ? 0 : 1) : value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)}${unit === "x" ? "x" : ` ${unit}`}`;
}

/** "5.2x (4.8–5.9)": the median repetition, and the lowest–highest across repetitions. */
export function formatSpread(s: Spread, unit: Figure["unit"]): string {
  if (s.n === 0) return "not measured";
  if (s.n === 1 || s.min === s.max) return `${number(s.median, unit)}${s.n > 1 ? ` (all ${s.n})` : ""}`;
  return `${number(s.median, unit)} (${number(s.min, unit)}–${number(s.max, unit)})`;
}

function targetText(figure: Figure): string {
  const t = figure.target;
  if (t === undefined) return "–";
  const goal =
    t.atLeast !== undefined
      ? `≥ ${number(t.atLeast, figure.unit)}`
      : `≤ ${number(t.atMost ?? 0, figure.unit)}`;
  const met = verdict(figure);
  return `${goal}: ${met === null ? "not measured" : met ? "met" : "**missed**"}`;
}

function commitOf(results: BenchResults): string {
  return `\`${results.machine.commit}\`${results.machine.dirty ? " (dirty)" : ""}`;
}

/** The summary table: one row per figure of every source. */
export function renderSummary(sources: readonly Source[]): string {
  const rows: string[][] = [];
  for (const { path, results } of sources) {
    const reps = results.repetitions.length;
    for (const figure of figures(results)) {
      rows.push([
        figure.label,
        figure.pods.toLocaleString("en-US"),
        formatSpread(figure.spread, figure.unit),
        `${figure.spread.n}${figure.samplesPerRepetition === null ? "" : ` × ${figure.samplesPerRepetition}`}${reps > figure.spread.n ? ` of ${reps}` : ""}`,
        targetText(figure),
        commitOf(results),
        `[${path.split("/").pop() ?? path}](${path})`,
      ]);
    }
  }
  return [
    table(
      [
        "figure",
        "pods",
        "median (min–max over repetitions)",
        "repetitions × samples",
        "target",
        "commit",
        "raw JSON",
      ],
      rows,
    ),
    "",
    ...sources.map(({ path, results }) => machineLine(path, results)),
  ].join("\n");
}

/**
 * What used the CPU as each repetition began: measured over a short window in newer results,
 * `ps`'s lifetime averages (first repetition) in older ones.
 */
function busiestAtStart(results: BenchResults): string {
  const measured = results.repetitions.map((r) => r.busiestAtStart);
  if (measured.every((list) => list !== undefined)) {
    const lines = measured.map(
      (list, i) =>
        `repetition ${i + 1}: ${list
          .slice(0, 3)
          .map((p) => `\`${p.command}\` ${p.cpuPercent}%`)
          .join(", ")}`,
    );
    return `busiest processes over ${BUSY_WINDOW_MS / 1000} s as each repetition began: ${lines.join("; ")}`;
  }
  const top = (results.repetitions[0]?.topProcessesAtStart ?? results.machine.topProcesses ?? [])
    .slice(1, 4)
    .map((line) => line.trim().split(/\s+/));
  return `busiest processes at start (ps, lifetime average): ${top.map((f) => `${f[4] ?? "?"} ${f[1] ?? "?"}%`).join(", ")}`;
}

/** Machine state of a run, from its JSON: CPUs, memory, versions, load, what else ran. */
export function machineLine(path: string, results: BenchResults): string {
  const m = results.machine;
  const loads = results.repetitions.flatMap((r) => [
    r.loadAverageAtStart[0] ?? 0,
    ...r.sizes.flatMap((s) => [...(s.reads ?? []).map((c) => c.loadAverage), s.loadAverageAfter?.[0] ?? 0]),
  ]);
  const busiest = busiestAtStart(results);
  const kube = [...new Set(results.repetitions.map((r) => r.kubeVersion))].join(", ");
  return (
    `- \`${path}\`: ${results.command}; ${results.repetitions.length} repetition(s), ${results.startedAt} → ${results.finishedAt}; ` +
    `${m.cpus} CPUs (${m.cpuModel}), ${(m.memoryBytes / 1024 ** 3).toFixed(0)} GiB; Node ${m.node}, kube-apiserver ${kube}; ` +
    `1-min load ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} over the cells; ${busiest}; ` +
    `answers checked ${equalityTotal(results, "checked")} (${equalityTotal(results, "replayed")} from the replayed watch), ` +
    `not checkable ${equalityTotal(results, "unverifiable")}, ` +
    `mismatches ${results.equalityFailed ? "**yes (run failed)**" : "none"}.`
  );
}

/** A count of the equality checks summed over every repetition and size (absent in older results: 0). */
function equalityTotal(results: BenchResults, field: "checked" | "replayed" | "unverifiable"): number {
  return results.repetitions.reduce(
    (n, r) => n + r.sizes.reduce((k, s) => k + (s.equality?.[field] ?? 0), 0),
    0,
  );
}

/** Every read cell of a run, one row per repetition × cell. */
export function renderCells(results: BenchResults): string {
  const rows: string[][] = [];
  for (const repetition of results.repetitions) {
    for (const size of repetition.sizes) {
      for (const c of size.reads ?? []) {
        rows.push([
          String(repetition.index),
          String(size.pods),
          `${c.state}/${c.auth ?? "–"}`,
          c.kind,
          `${c.mode} c=${c.concurrency}`,
          c.target,
          String(c.requests),
          `${c.latencyMs.p50 ?? "–"} / ${c.latencyMs.p95 ?? "–"} / ${c.latencyMs.p99 ?? "–"}`,
          String(c.requestsPerSecond),
          `${c.loadAverageBefore} → ${c.loadAverage}`,
          cpuText(c.cpu, c.server),
          c.target === "krm" ? String(c.verified) : "–",
          c.errors > 0 ? JSON.stringify(c.statuses) : "0",
        ]);
      }
    }
  }
  return table(
    [
      "rep",
      "pods",
      "state/auth",
      "read",
      "cell",
      "side",
      "n",
      "p50 / p95 / p99 ms",
      "req/s",
      "load",
      "CPU % of a core: served by / readers / machine",
      "verified",
      "errors",
    ],
    rows,
  );
}

/** The serving process's CPU, the readers' (this bench process) and the whole machine's, in percent of one core. */
function cpuText(cpu: CpuShares | undefined, server: string | undefined): string {
  if (cpu === undefined) return "–";
  return `${server === undefined ? "?" : (cpu.byProcess[server] ?? "?")} / ${cpu.byProcess["bench"] ?? "?"} / ${cpu.machinePercent} of ${cpu.cores * 100}`;
}

const MIB = 1024 * 1024;

function megabytes(bytes: number | null | undefined): string {
  return number(bytes === null || bytes === undefined ? null : bytes / MIB, "MiB");
}

function timesJson(value: number | null): string {
  return value === null ? "" : ` (${number(value, "x")})`;
}

/** The API replica's memory per repetition × size: RSS and V8 heap after the reads and at peak. */
export function renderMemory(results: BenchResults): string {
  const rows: string[][] = [];
  for (const repetition of results.repetitions) {
    for (const size of repetition.sizes) {
      const m = size.memory;
      if (m === undefined) continue;
      rows.push([
        String(repetition.index),
        String(size.pods),
        megabytes(m.cachedJsonBytes),
        `${megabytes(m.api?.rssBytes)}${timesJson(m.rssToJson)}`,
        `${megabytes(m.apiRssPeakDuringReadsBytes)}${timesJson(m.peakToJson)}`,
        `${megabytes(m.apiHeap?.usedBytes)} / ${megabytes(m.apiHeap?.totalBytes)}`,
        megabytes(m.apiHeapUsedPeakDuringReadsBytes),
        megabytes(m.kubeApiServer?.rssBytes),
        m.heapError ?? "–",
      ]);
    }
  }
  return table(
    [
      "rep",
      "pods",
      "cached JSON",
      "API RSS after reads (÷ JSON)",
      "API peak RSS (÷ JSON)",
      "API heap used / total after reads",
      "API peak heap used",
      "kube-apiserver RSS",
      "heap scrape failures",
    ],
    rows,
  );
}

/** Replaces the text between the summary markers of `document`. */
export function replaceSummary(document: string, summary: string): string {
  const start = document.indexOf(SUMMARY_START);
  const end = document.indexOf(SUMMARY_END);
  if (start < 0 || end < start)
    throw new Error(`the document has no ${SUMMARY_START} … ${SUMMARY_END} section`);
  return `${document.slice(0, start + SUMMARY_START.length)}\n${summary}\n${document.slice(end)}`;
}

async function cli(args: readonly string[]): Promise<void> {
  const write = args[0] === "--write" ? args[1] : undefined;
  const paths = write === undefined ? args : args.slice(2);
  const sources = await Promise.all(
    paths.map(async (path) => ({ path, results: JSON.parse(await readFile(path, "utf8")) as BenchResults })),
  );
  const summary = renderSummary(sources);
  if (write !== undefined) {
    await writeFile(write, replaceSummary(await readFile(write, "utf8"), summary));
    return;
  }
  process.stdout.write(`${summary}\n`);
  for (const { path, results } of sources) {
    process.stdout.write(`\n### Cells of ${path}\n\n${renderCells(results)}\n`);
    if (results.repetitions.some((r) => r.sizes.some((s) => s.memory !== undefined)))
      process.stdout.write(`\n### Memory of ${path}\n\n${renderMemory(results)}\n`);
  }
}

if (process.argv[1]?.endsWith("report.js") === true) await cli(process.argv.slice(2));
