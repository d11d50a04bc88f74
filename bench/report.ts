// Renders a bench/results/*.json file as the Markdown tables of BENCHMARKS.md:
// node dist/bench/report.js bench/results/<file>.json
import { readFile } from "node:fs/promises";
import type { ReadCell, ReadKind, ReadTarget } from "./phases/read-phase.js";
import type { BenchResults, SizeResult } from "./result-types.js";
import { ratio } from "./stats.js";

const MB = 1024 * 1024;

function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return "–";
  return value >= 100 ? String(Math.round(value)) : value.toFixed(digits);
}

function mb(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? "–" : `${(bytes / MB).toFixed(1)} MB`;
}

function times(value: number | null): string {
  return value === null ? "–" : `${value.toFixed(value >= 10 ? 0 : 1)}x`;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

function cell(
  cells: readonly ReadCell[],
  kind: ReadKind,
  target: ReadTarget,
  c: number,
): ReadCell | undefined {
  return cells.find((x) => x.kind === kind && x.target === target && x.concurrency === c);
}

export function readSection(size: SizeResult): string {
  const read = size.read;
  if (read === undefined) return "_read phase not run_";
  const concurrencies = [...new Set(read.cells.map((c) => c.concurrency))].sort((a, b) => a - b);
  const kinds = [...new Set(read.cells.map((c) => c.kind))];
  const rows: string[][] = [];
  for (const kind of kinds) {
    for (const c of concurrencies) {
      const k = cell(read.cells, kind, "krm", c);
      const z = cell(read.cells, kind, "apiserver-rv0", c);
      const s = cell(read.cells, kind, "apiserver-consistent", c);
      if (k === undefined) continue;
      const lat = (x: ReadCell | undefined): string =>
        x === undefined ? "–" : `${fmt(x.latencyMs.p50, 2)} / ${fmt(x.latencyMs.p99, 2)}`;
      const rps = (x: ReadCell | undefined): string =>
        x === undefined ? "–" : `${fmt(x.requestsPerSecond)}${x.errors > 0 ? ` (${x.errors} err)` : ""}`;
      rows.push([
        kind,
        String(c),
        lat(k),
        rps(k),
        lat(z),
        rps(z),
        lat(s),
        rps(s),
        `${times(ratio(z?.latencyMs.p50, k.latencyMs.p50))} / ${times(ratio(s?.latencyMs.p50, k.latencyMs.p50))}`,
        `${times(ratio(k.requestsPerSecond, z?.requestsPerSecond))} / ${times(ratio(k.requestsPerSecond, s?.requestsPerSecond))}`,
      ]);
    }
  }
  const counts = Object.entries(read.itemCounts)
    .map(
      ([kind, c]) =>
        `${kind}: krm ${c.krm}, rv0 ${c["apiserver-rv0"]}, consistent ${c["apiserver-consistent"]}`,
    )
    .join("; ");
  return [
    table(
      [
        "read",
        "clients",
        "krm p50 / p99 ms",
        "krm req/s",
        "apiserver rv=0 p50 / p99 ms",
        "rv=0 req/s",
        "apiserver consistent p50 / p99 ms",
        "consistent req/s",
        "p50 speed-up vs rv=0 / consistent",
        "throughput ratio vs rv=0 / consistent",
      ],
      rows,
    ),
    "",
    `Items returned (sides must agree): ${counts}.` +
      (read.skipped.length > 0 ? ` Skipped cells: ${read.skipped.join(", ")}.` : ""),
  ].join("\n");
}

export function freshnessSection(size: SizeResult): string {
  const runs = size.freshness;
  if (runs === undefined || runs.length === 0) return "_freshness phase not run_";
  const lat = (x: { latencyMs: { p50: number | null; p99: number | null; max: number | null } }): string =>
    `${fmt(x.latencyMs.p50, 2)} / ${fmt(x.latencyMs.p99, 2)} / ${fmt(x.latencyMs.max, 2)}`;
  const rows = runs.map(({ result: r, krmToApiServer, processes }) => {
    const krmCpu = Object.entries(processes)
      .filter(([name]) => name !== "kube-apiserver")
      .reduce((sum, [, p]) => sum + (p.cpuPercent ?? 0), 0);
    return [
      `${r.rate}`,
      `${fmt(r.writer.achievedPerSecond)} (${r.writer.acked} acked, ${r.writer.skipped} skipped, ${r.writer.failed} failed)`,
      `${fmt(r.writer.ackLatencyMs.p50, 2)} / ${fmt(r.writer.ackLatencyMs.p99, 2)}`,
      `${lat(r.krmWatch)} (${r.krmWatch.unseen} unseen)`,
      `${lat(r.krmPoll)} (${r.krmPoll.unseen} unseen)`,
      `${lat(r.informer)} (${r.informer.unseen} unseen)`,
      r.informerDefault === undefined
        ? "–"
        : `${lat(r.informerDefault)} (${r.informerDefault.unseen} unseen)`,
      `${times(ratio(r.krmWatch.latencyMs.p99, r.informer.latencyMs.p99))}`,
      `${fmt(krmToApiServer.requestsPerMinute)}`,
      `${fmt(krmCpu)}% / ${fmt(processes["kube-apiserver"]?.cpuPercent)}%`,
    ];
  });
  return table(
    [
      "writes/s",
      "achieved/s",
      "write ack p50 / p99 ms",
      "krm watch p50 / p99 / max ms",
      "krm poll p50 / p99 / max ms",
      "informer p50 / p99 / max ms",
      "informer, client-node default reconnect, p50 / p99 / max ms",
      "krm watch p99 ÷ informer p99",
      "krm→apiserver req/min",
      "CPU krm (all) / apiserver",
    ],
    rows,
  );
}

export function costSection(size: SizeResult): string {
  const cost = size.cost;
  if (cost === undefined) return "_cost phase not run_";
  const windows = [
    { name: "at rest", w: cost.atRest, reads: "–" },
    ...cost.readers.map((r) => ({
      name: `${r.result.readers} reader(s) on krm`,
      w: r,
      reads: `${fmt(r.result.requestsPerSecond)} req/s`,
    })),
  ];
  const requestRows = windows.map(({ name, w, reads }) => [
    name,
    reads,
    `${w.krmToApiServer.requests} in ${(w.krmToApiServer.windowMs / 1000).toFixed(0)} s`,
    fmt(w.krmToApiServer.requestsPerMinute),
    Object.entries(w.krmToApiServer.byVerb)
      .map(([verb, n]) => `${verb}: ${n}`)
      .join(", "),
  ]);
  const names = Object.keys(cost.atRest.processes);
  const processRows = names.map((name) => [
    name,
    ...windows.map(({ w }) => `${fmt(w.processes[name]?.cpuPercent)}%`),
    mb(cost.memory.rssBytes[name] ?? w0(cost, name)),
  ]);
  const m = cost.memory;
  const verificationRows = Object.entries(cost.verification).map(([kind, v]) => {
    const durations = v.verifications.map((e) => Number(e["durationMs"]));
    const counts = v.verifications.map((e) => Number(e["count"]));
    const last = v.verifications[v.verifications.length - 1];
    const lastDuration = last === undefined ? null : Number(last["durationMs"]);
    const lastCount = last === undefined ? null : Number(last["count"]);
    const drift = v.verifications.map((e) => `${e["missing"]}/${e["extra"]}/${e["stale"]}`).join(" ");
    return [
      kind,
      String(v.verifications.length),
      durations.length === 0 ? "–" : `${Math.min(...durations)}–${Math.max(...durations)}`,
      String(lastCount ?? counts[0] ?? "–"),
      lastDuration !== null && lastCount !== null && lastCount > 0
        ? fmt((lastDuration / lastCount) * 10_000)
        : "–",
      drift === "" ? "–" : drift,
    ];
  });
  return [
    "Requests krm made to kube-apiserver (counted by a proxy in front of it):",
    "",
    table(["window", "krm reads served", "requests", "per minute", "by verb"], requestRows),
    "",
    "CPU (percent of one core, averaged over each window) and RSS at the end:",
    "",
    table(["process", ...windows.map((x) => `CPU ${x.name}`), "RSS"], processRows),
    "",
    table(
      ["memory", "value"],
      [
        ["objects served (all kinds)", String(m.totalObjects)],
        ["JSON bytes served (all kinds)", mb(m.totalJsonBytes)],
        [
          "Redis used_memory (baseline before krm)",
          `${mb(m.redis.usedMemory)} (${mb(m.redisBaseline.usedMemory)})`,
        ],
        ["Redis used_memory per 10k objects", mb(m.redisBytesPer10kObjects)],
        ["API replica RSS", mb(m.apiRssBytes)],
        [
          "API replica RSS ÷ served JSON bytes",
          m.apiRssToJsonRatio === null ? "–" : `${m.apiRssToJsonRatio}x`,
        ],
      ],
    ),
    "",
    "Verification cycles recorded in Redis (`verifications` stream):",
    "",
    table(
      [
        "kind",
        "cycles",
        "duration ms (min–max)",
        "objects",
        "ms per 10k objects (last)",
        "drift missing/extra/stale",
      ],
      verificationRows,
    ),
  ].join("\n");
}

function w0(cost: NonNullable<SizeResult["cost"]>, name: string): number | null {
  return cost.atRest.processes[name]?.rssBytesEnd ?? null;
}

/** Population the issue states its read targets at. */
const TARGET_POPULATION = 10_000;

function verdict(ok: boolean | null): string {
  return ok === null ? "not measured" : ok ? "**met**" : "**missed**";
}

/** The issue's targets, judged on this run's figures (reads at 10k pods, or the size nearest it). */
export function targetsSection(results: BenchResults): string {
  const sizes = results.sizes.filter((s) => s.read !== undefined || s.freshness !== undefined);
  const at =
    sizes.find((s) => s.pods === TARGET_POPULATION) ??
    [...sizes].sort((a, b) => Math.abs(a.pods - TARGET_POPULATION) - Math.abs(b.pods - TARGET_POPULATION))[0];
  if (at === undefined) return "_no size completed_";
  const cells = at.read?.cells ?? [];
  const p50 = (kind: ReadKind, target: ReadTarget): number | null =>
    cell(cells, kind, target, 1)?.latencyMs.p50 ?? null;
  const rows: string[][] = [];
  const fresh = at.freshness?.find((f) => f.result.rate === 200)?.result;
  const watchP99 = fresh?.krmWatch.latencyMs.p99 ?? null;
  rows.push([
    "freshness p99 ≤ 50 ms at 200 writes/s (krm watch)",
    fresh === undefined
      ? "–"
      : `${fmt(watchP99, 1)} ms (poll ${fmt(fresh.krmPoll.latencyMs.p99, 1)} ms, informer ${fmt(fresh.informer.latencyMs.p99, 1)} ms; writer achieved ${fresh.writer.achievedPerSecond}/s)`,
    verdict(watchP99 === null ? null : watchP99 <= 50),
  ]);
  for (const [kind, factor, label] of [
    ["namespace-list", 5, "namespace list p50 ≥ 5x faster"],
    ["full-list", 2, "full list p50 ≥ 2x faster"],
  ] as const) {
    const k = p50(kind, "krm");
    const vsRv0 = ratio(p50(kind, "apiserver-rv0"), k);
    const vsConsistent = ratio(p50(kind, "apiserver-consistent"), k);
    rows.push([
      `${label} (1 client)`,
      `krm ${fmt(k, 2)} ms; ${times(vsRv0)} vs rv=0, ${times(vsConsistent)} vs consistent`,
      verdict(vsRv0 === null || vsConsistent === null ? null : Math.min(vsRv0, vsConsistent) >= factor),
    ]);
  }
  for (const kind of READ_KINDS_FOR_THROUGHPUT) {
    const k = cell(cells, kind, "krm", 32)?.requestsPerSecond ?? null;
    const z = cell(cells, kind, "apiserver-rv0", 32)?.requestsPerSecond ?? null;
    const c = cell(cells, kind, "apiserver-consistent", 32)?.requestsPerSecond ?? null;
    const worst = ratio(k, z === null || c === null ? null : Math.max(z, c));
    rows.push([
      `≥ 5x throughput at 32 clients: ${kind}`,
      `krm ${fmt(k)} req/s vs rv=0 ${fmt(z)}, consistent ${fmt(c)} (${times(worst)})`,
      verdict(worst === null ? null : worst >= 5),
    ]);
  }
  const memory = at.cost?.memory;
  rows.push([
    "API replica RSS ≤ 2x cached JSON bytes (at rest)",
    memory === undefined
      ? "–"
      : `${mb(memory.apiRssBytes)} RSS for ${mb(memory.totalJsonBytes)} JSON (${memory.apiRssToJsonRatio ?? "–"}x)`,
    verdict(
      memory?.apiRssToJsonRatio === null || memory === undefined ? null : memory.apiRssToJsonRatio <= 2,
    ),
  ]);
  return [`Judged at ${at.pods} pods.`, "", table(["target", "measured", "verdict"], rows)].join("\n");
}

const READ_KINDS_FOR_THROUGHPUT: readonly ReadKind[] = [
  "full-list",
  "namespace-list",
  "selector-list",
  "get",
];

export function renderReport(results: BenchResults): string {
  const m = results.machine;
  const parts = [
    `Run ${results.startedAt} → ${results.finishedAt}, commit \`${m.commit}\`${m.dirty ? " (working tree had uncommitted changes of other engineers)" : ""}.`,
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${mb(m.memoryBytes)} RAM, Node ${m.node}, load average at start ${m.loadAverageAtStart.join(" ")}.`,
    `Command: \`${results.command}\`. Options: \`${JSON.stringify(results.options)}\`.`,
  ];
  parts.push("", "### Targets", "", targetsSection(results));
  for (const size of results.sizes) {
    parts.push(
      "",
      `### ${size.pods} pods`,
      "",
      `Population: ${size.population.created.pods} pods (${size.podJsonBytes} B JSON each), ${size.population.created.deployments} deployments, ${size.population.created.services} services, ${size.population.created.nodes} nodes in ${size.population.created.namespaces} namespaces; created at ${size.population.podsPerSecond} pods/s. ` +
        (size.krmCaughtUpMs === null
          ? `krm (fresh Redis) never served every pod${size.krmReadyMs === null ? "" : ` (ready after ${size.krmReadyMs} ms)`}.`
          : `krm (fresh Redis) ready in ${size.krmReadyMs ?? "–"} ms, serving every pod after ${size.krmCaughtUpMs} ms.`),
      ...(size.error === undefined
        ? []
        : ["", `**This size failed:** \`${size.error.split("\n")[0] ?? ""}\``]),
      "",
      "#### a. Reads",
      "",
      readSection(size),
      "",
      "#### b. Freshness (API server acknowledgement → visible)",
      "",
      freshnessSection(size),
      "",
      "#### c. Cost",
      "",
      costSection(size),
    );
  }
  return parts.join("\n");
}

const [path] = process.argv.slice(2);
if (path !== undefined && process.argv[1]?.endsWith("report.js") === true) {
  const results = JSON.parse(await readFile(path, "utf8")) as BenchResults;
  process.stdout.write(`${renderReport(results)}\n`);
}
