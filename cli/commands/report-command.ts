/**
 * `krm report usage` and `krm report rightsizing`: ask a running krm (its usage.krm.dev
 * views) and print the answer as a table, CSV or JSON.
 */
import { parseDurationMs } from "../../core/duration.js";
import { csvField, usageCsv } from "../../usage/views/usage-csv.js";
import type { UsageReviewStatus } from "../../usage/review/usage-review-types.js";
import type { FlagValues } from "../parse-flags.js";
import { StartupError } from "../startup-error.js";
import { UsageError } from "../usage-error.js";

/** A usage review reads hour buckets; a year of them takes a moment. */
export const REPORT_TIMEOUT_MS = 60_000;

export const REPORTS = ["usage", "rightsizing"] as const;

export async function reportCommand(
  report: string | undefined,
  values: FlagValues,
  write: (text: string) => void,
  now = Date.now(),
): Promise<number> {
  const text = (name: string): string | undefined =>
    typeof values[name] === "string" ? values[name] : undefined;
  const server = (text("server") ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
  const output = text("output") ?? "table";
  if (output !== "table" && output !== "json" && output !== "csv")
    throw new UsageError(`--output=${output}: expected table, csv or json`);
  const token = text("token");
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  if (report === "usage") {
    const from = text("from");
    if (from === undefined)
      throw new UsageError("krm report usage needs --from (RFC 3339, or a duration ago such as 24h)");
    const cost = text("cost");
    const bill = cost === undefined ? undefined : Number(cost);
    if (bill !== undefined && (!Number.isFinite(bill) || bill < 0))
      throw new UsageError(`--cost=${cost ?? ""}: expected an amount ≥ 0`);
    const spec = {
      from: timeArgument("--from", from, now),
      ...(text("to") !== undefined ? { to: timeArgument("--to", text("to") ?? "", now) } : {}),
      groupBy: text("group-by") ?? "namespace",
      ...(bill !== undefined ? { bill: { total: bill } } : {}),
    };
    const body = await call(`${server}/apis/usage.krm.dev/v1alpha1/usagereviews`, headers, {
      apiVersion: "usage.krm.dev/v1alpha1",
      kind: "UsageReview",
      spec,
    });
    const status = (body as { status?: UsageReviewStatus }).status;
    if (status === undefined) throw new StartupError(`${server} answered a UsageReview without status`);
    if (output === "json") write(`${JSON.stringify(status, null, 2)}\n`);
    else if (output === "csv") write(usageCsv(status));
    else write(`${usageTable(status)}\n`);
    return 0;
  }
  if (report === "rightsizing") {
    const namespace = text("namespace");
    const path = `/apis/usage.krm.dev/v1alpha1${namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ""}/recommendations`;
    const table = (await call(`${server}${path}`, {
      ...headers,
      accept: "application/json;as=Table;v=v1;g=meta.k8s.io",
    })) as {
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: (string | number)[]; object?: { metadata?: { namespace?: string } } }[];
    };
    if (output === "json") {
      write(`${JSON.stringify(await call(`${server}${path}`, headers), null, 2)}\n`);
      return 0;
    }
    const names = ["Namespace", ...table.columnDefinitions.map((column) => column.name)];
    const rows = table.rows.map((row) => [row.object?.metadata?.namespace ?? "", ...row.cells.map(String)]);
    if (output === "csv")
      write(`${[names, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`);
    else write(`${align([names.map((n) => n.toUpperCase()), ...rows])}\n`);
    return 0;
  }
  throw new UsageError(`krm report needs one of: ${REPORTS.join(", ")} (e.g. krm report usage --from 24h)`);
}

/** RFC 3339, or a duration meaning that long ago. */
export function timeArgument(flag: string, value: string, now: number): string {
  if (!Number.isNaN(Date.parse(value)) && /\d{4}-\d{2}-\d{2}/.test(value)) return value;
  try {
    return new Date(now - parseDurationMs(value)).toISOString();
  } catch {
    throw new UsageError(`${flag}=${value}: expected an RFC 3339 time or a duration such as 24h`);
  }
}

export function usageTable(status: UsageReviewStatus): string {
  const cost = status.total.cost !== undefined;
  const header = [
    "GROUP",
    "CPU CORE-H",
    "MEMORY GIB-H",
    "STORAGE GIB-H",
    "GPU-H",
    "RATIO",
    ...(cost ? ["COST"] : []),
  ];
  const fixed = (n: number, digits = 2): string => n.toFixed(digits);
  const rows = [...status.rows, { ...status.total, group: "TOTAL" }].map((row) => [
    row.group,
    fixed(row.cpuCoreHours),
    fixed(row.memoryGiBHours),
    fixed(row.storageGiBHours),
    fixed(row.gpuHours),
    `${(row.ratio * 100).toFixed(1)}%`,
    ...(cost ? [fixed(row.cost ?? 0)] : []),
  ]);
  return `${status.from} → ${status.to} by ${status.groupBy}\n${align([header, ...rows])}`;
}

function align(rows: readonly (readonly string[])[]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("   ")
        .trimEnd(),
    )
    .join("\n");
}

async function call(url: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: { ...headers, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REPORT_TIMEOUT_MS),
    });
  } catch (error) {
    throw new StartupError(
      `cannot reach krm at ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new StartupError(`${url} answered ${response.status} without JSON; is --server a krm?`);
  }
  if (!response.ok) {
    const message = (parsed as { message?: unknown }).message;
    throw new StartupError(
      `${url} answered ${response.status}: ${typeof message === "string" ? message : text.slice(0, 200)}`,
    );
  }
  return parsed;
}
