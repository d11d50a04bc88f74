/**
 * The arithmetic of a UsageReview, pure: spec validation, and group totals (resource-seconds
 * from the ledger) into rows of core-hours, GiB-hours, GPU-hours, ratio and cost.
 *
 * Ratio: a group's share of each resource that anybody reserved (cpu, memory, storage, gpu
 * with a non-zero total), averaged with equal weight; with prices, its share of the priced
 * total instead. Cost: the bill × ratio, or the usage at the given prices; rounded to cents
 * by largest remainder so the rows add up to the bill exactly.
 */
import { reservedHours } from "../ledger/rates.js";
import type { GroupTotals } from "../ledger/ledger-reader.js";
import { groupName, type Prices, type UsageReviewStatus, type UsageRow } from "./usage-review-types.js";

export class UsageReviewError extends Error {
  override readonly name = "UsageReviewError";
  constructor(
    /** JSON path of the bad field, e.g. `spec.from`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A validated spec. */
export interface UsageQuery {
  readonly fromMs: number;
  readonly toMs: number;
  /** Group prefix in the ledger: `namespace:` or `label:<key>=`. */
  readonly groupPrefix: string;
  readonly groupBy: string;
  readonly labelKey?: string;
  readonly bill?: number;
  readonly prices?: Prices;
  readonly currency?: string;
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function parseUsageSpec(spec: unknown, nowMs: number): UsageQuery {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec))
    throw new UsageReviewError("spec", "must be an object with at least `from`");
  const raw = spec as Record<string, unknown>;
  const fromMs = timeField(raw["from"], "spec.from");
  if (fromMs === undefined) throw new UsageReviewError("spec.from", "Required value: an RFC 3339 time");
  const toMs = timeField(raw["to"], "spec.to") ?? nowMs;
  if (toMs <= fromMs) throw new UsageReviewError("spec.to", "must be after spec.from");
  const groupBy = raw["groupBy"] ?? "namespace";
  if (typeof groupBy !== "string")
    throw new UsageReviewError("spec.groupBy", "must be `namespace` or `label:<key>`");
  let groupPrefix: string;
  let labelKey: string | undefined;
  if (groupBy === "namespace") groupPrefix = "namespace:";
  else if (groupBy.startsWith("label:") && LABEL_KEY.test(groupBy.slice(6))) {
    labelKey = groupBy.slice(6);
    groupPrefix = `label:${labelKey}=`;
  } else
    throw new UsageReviewError(
      "spec.groupBy",
      `must be \`namespace\` or \`label:<key>\`, got ${JSON.stringify(groupBy).slice(0, 80)}`,
    );
  const billRaw = raw["bill"];
  let bill: number | undefined;
  let currency: string | undefined;
  if (billRaw !== undefined) {
    const record = objectField(billRaw, "spec.bill");
    bill = amountField(record["total"], "spec.bill.total");
    if (bill === undefined) throw new UsageReviewError("spec.bill.total", "Required value: a number ≥ 0");
    currency = currencyField(record["currency"], "spec.bill.currency");
  }
  let prices: Prices | undefined;
  if (raw["prices"] !== undefined) {
    const record = objectField(raw["prices"], "spec.prices");
    const read = (name: keyof Prices): Partial<Prices> => {
      const value = amountField(record[name], `spec.prices.${name}`);
      return value === undefined ? {} : { [name]: value };
    };
    prices = {
      ...read("cpuCoreHour"),
      ...read("memoryGiBHour"),
      ...read("storageGiBHour"),
      ...read("gpuHour"),
    };
    currency ??= currencyField(record["currency"], "spec.prices.currency");
  }
  return {
    fromMs,
    toMs,
    groupPrefix,
    groupBy,
    ...(labelKey !== undefined ? { labelKey } : {}),
    ...(bill !== undefined ? { bill } : {}),
    ...(prices !== undefined ? { prices } : {}),
    ...(currency !== undefined ? { currency } : {}),
  };
}

/** Rows for the groups of `query.groupPrefix`, biggest ratio first. `range` is what the ledger covered. */
export function usageStatus(
  query: UsageQuery,
  totals: GroupTotals,
  range: { fromMs: number; toMs: number },
  accuracy: string,
): UsageReviewStatus {
  const groups: { group: string; hours: Omit<UsageRow, "group" | "ratio" | "cost"> }[] = [];
  for (const [key, rates] of totals) {
    if (!key.startsWith(query.groupPrefix)) continue;
    const value = key.slice(query.groupPrefix.length);
    groups.push({ group: groupName(value), hours: reservedHours(rates) });
  }
  const sum = (pick: (h: Omit<UsageRow, "group" | "ratio" | "cost">) => number): number =>
    groups.reduce((total, g) => total + pick(g.hours), 0);
  const totalHours = {
    cpuCoreHours: sum((h) => h.cpuCoreHours),
    memoryGiBHours: sum((h) => h.memoryGiBHours),
    storageGiBHours: sum((h) => h.storageGiBHours),
    gpuHours: sum((h) => h.gpuHours),
  };
  const priced =
    query.prices !== undefined ? groups.map((g) => pricedCost(g.hours, query.prices ?? {})) : undefined;
  const pricedTotal = priced?.reduce((a, b) => a + b, 0) ?? 0;
  const ratios = groups.map((g, index) =>
    priced !== undefined && pricedTotal > 0
      ? (priced[index] ?? 0) / pricedTotal
      : equalWeightShare(g.hours, totalHours),
  );
  let costs: number[] | undefined;
  if (query.bill !== undefined) costs = splitCents(query.bill, ratios);
  else if (priced !== undefined) costs = priced.map(cents);
  const rows: UsageRow[] = groups.map((g, index) => ({
    group: g.group,
    ...roundHours(g.hours),
    ratio: round(ratios[index] ?? 0, 6),
    ...(costs !== undefined ? { cost: costs[index] ?? 0 } : {}),
  }));
  rows.sort((a, b) => b.ratio - a.ratio || a.group.localeCompare(b.group));
  return {
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    groupBy: query.groupBy,
    ...(query.currency !== undefined ? { currency: query.currency } : {}),
    rows,
    total: {
      ...roundHours(totalHours),
      ratio: 1,
      ...(costs !== undefined ? { cost: cents(costs.reduce((a, b) => a + b, 0)) } : {}),
    },
    accuracy,
  };
}

const RESOURCES = ["cpuCoreHours", "memoryGiBHours", "storageGiBHours", "gpuHours"] as const;

function equalWeightShare(
  hours: Omit<UsageRow, "group" | "ratio" | "cost">,
  total: Omit<UsageRow, "group" | "ratio" | "cost">,
): number {
  const used = RESOURCES.filter((name) => total[name] > 0);
  if (used.length === 0) return 0;
  return used.reduce((share, name) => share + hours[name] / total[name], 0) / used.length;
}

function pricedCost(hours: Omit<UsageRow, "group" | "ratio" | "cost">, prices: Prices): number {
  return (
    hours.cpuCoreHours * (prices.cpuCoreHour ?? 0) +
    hours.memoryGiBHours * (prices.memoryGiBHour ?? 0) +
    hours.storageGiBHours * (prices.storageGiBHour ?? 0) +
    hours.gpuHours * (prices.gpuHour ?? 0)
  );
}

/** Splits `total` into cents by `weights` (largest remainder): the parts add up to `total` exactly. */
export function splitCents(total: number, weights: readonly number[]): number[] {
  const totalCents = Math.round(total * 100);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (totalCents * w) / weightSum);
  const floors = exact.map(Math.floor);
  let left = totalCents - floors.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    floors[index] = (floors[index] ?? 0) + 1;
    left--;
  }
  return floors.map((c) => c / 100);
}

function roundHours(
  hours: Omit<UsageRow, "group" | "ratio" | "cost">,
): Omit<UsageRow, "group" | "ratio" | "cost"> {
  return {
    cpuCoreHours: round(hours.cpuCoreHours, 6),
    memoryGiBHours: round(hours.memoryGiBHours, 6),
    storageGiBHours: round(hours.storageGiBHours, 6),
    gpuHours: round(hours.gpuHours, 6),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function cents(value: number): number {
  return Math.round(value * 100) / 100;
}

function timeField(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new UsageReviewError(field, `must be an RFC 3339 time such as 2026-01-01T00:00:00Z`);
  return ms;
}

function objectField(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new UsageReviewError(field, "must be an object");
  return value as Record<string, unknown>;
}

function amountField(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw new UsageReviewError(field, "must be a number ≥ 0");
  return value;
}

function currencyField(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^[A-Za-z$€£¥]{1,8}$/.test(value))
    throw new UsageReviewError(field, "must be a short currency code such as USD");
  return value;
}
