// What the cross-check reads of `vegeta report -type=json` (vegeta v12, lib/metrics.go), and the
// rule that an attack with any failed request fails the cross-check.

/** vegeta's latency summary; every figure is a Go time.Duration, in nanoseconds. */
export interface VegetaLatencies {
  readonly total: number;
  readonly mean: number;
  readonly "50th": number;
  readonly "90th": number;
  readonly "95th": number;
  readonly "99th": number;
  readonly max: number;
  readonly min: number;
}

/**
 * The JSON report as vegeta writes it, kept whole in the result file. Its `bytes_in` is 0: the
 * attacks read every body to the end but keep none of it (`-max-body 0`).
 */
export interface VegetaReport {
  readonly latencies: VegetaLatencies;
  readonly requests: number;
  readonly rate: number;
  readonly throughput: number;
  /** Share of requests with a status in [200, 400) and no transport error, 0 to 1. */
  readonly success: number;
  readonly status_codes: Readonly<Record<string, number>>;
  readonly errors: readonly string[];
  readonly [field: string]: unknown;
}

/** vegeta's figures in the units the rest of the bench reports (milliseconds). */
export interface AttackFigures {
  readonly requests: number;
  readonly success: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function recordAt(record: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = record[field];
  if (!isRecord(value)) throw new Error(`vegeta report: ${field} is not an object`);
  return value;
}

function numberAt(record: Record<string, unknown>, field: string, where = ""): number {
  const value = record[field];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`vegeta report: ${where}${field} is not a number (${JSON.stringify(value)})`);
  }
  return value;
}

/** Parses vegeta's JSON report, failing with the field at fault when it is not one. */
export function parseVegetaReport(text: string): VegetaReport {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed)) throw new Error("vegeta report: not a JSON object");
  const latencies = recordAt(parsed, "latencies");
  const latency = (field: keyof VegetaLatencies): number => numberAt(latencies, field, "latencies.");
  const statusCodes: Record<string, number> = {};
  for (const [code, count] of Object.entries(recordAt(parsed, "status_codes"))) {
    if (typeof count !== "number") throw new Error(`vegeta report: status_codes.${code} is not a count`);
    statusCodes[code] = count;
  }
  // Go encodes a slice that was never made as null.
  const errors: unknown = parsed["errors"] ?? [];
  if (!Array.isArray(errors)) throw new Error("vegeta report: errors is not a list");
  return {
    ...parsed,
    latencies: {
      total: latency("total"),
      mean: latency("mean"),
      "50th": latency("50th"),
      "90th": latency("90th"),
      "95th": latency("95th"),
      "99th": latency("99th"),
      max: latency("max"),
      min: latency("min"),
    },
    requests: numberAt(parsed, "requests"),
    rate: numberAt(parsed, "rate"),
    throughput: numberAt(parsed, "throughput"),
    success: numberAt(parsed, "success"),
    status_codes: statusCodes,
    errors: errors.map(String),
  };
}

const NS_PER_MS = 1e6;
const ms = (ns: number): number => Math.round((ns / NS_PER_MS) * 1000) / 1000;

export function attackFigures(report: VegetaReport): AttackFigures {
  return {
    requests: report.requests,
    success: report.success,
    p50Ms: ms(report.latencies["50th"]),
    p95Ms: ms(report.latencies["95th"]),
    p99Ms: ms(report.latencies["99th"]),
    maxMs: ms(report.latencies.max),
    meanMs: ms(report.latencies.mean),
  };
}

/**
 * Why the attack does not count, or undefined when it does: every one of the `expected`
 * requests must have been sent and answered 200 (vegeta would count a 3xx as a success).
 */
export function attackFailure(report: VegetaReport, expected: number): string | undefined {
  const other = Object.entries(report.status_codes).filter(([code, n]) => code !== "200" && n > 0);
  if (other.length > 0 || report.errors.length > 0) {
    const codes = other.map(([code, n]) => `${n}× ${code === "0" ? "no answer" : `HTTP ${code}`}`);
    return `failed requests: ${[...codes, ...report.errors].join("; ")}`;
  }
  if (report.requests < expected) return `${report.requests} of ${expected} requests sent`;
  return undefined;
}
