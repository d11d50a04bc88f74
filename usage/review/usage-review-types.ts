/**
 * `usage.krm.dev/v1alpha1` UsageReview: a review resource (like SubjectAccessReview) whose
 * spec asks for the reserved usage of a period, grouped, optionally priced, and whose status
 * answers it. Nothing is stored.
 */
export const USAGE_GROUP = "usage.krm.dev";
export const USAGE_VERSION = "v1alpha1";
export const USAGE_API_VERSION = `${USAGE_GROUP}/${USAGE_VERSION}`;

/** Rows of a label grouping for objects without the label, OpenCost's name for them. */
export const UNALLOCATED = "__unallocated__";
/** A group's name in reports and history: the namespace or label value, {@link UNALLOCATED} for "". */
export const groupName = (value: string): string => (value === "" ? UNALLOCATED : value);

export interface Prices {
  /** Price of one core reserved for one hour. */
  readonly cpuCoreHour?: number;
  readonly memoryGiBHour?: number;
  readonly storageGiBHour?: number;
  readonly gpuHour?: number;
}

export interface UsageReviewSpec {
  /** RFC 3339; rounded down to the hour (the ledger's resolution). */
  readonly from: string;
  /** RFC 3339, default now; rounded up to the hour. */
  readonly to?: string;
  /** `namespace` (default) or `label:<key>`. */
  readonly groupBy?: string;
  /** A total bill to split among the groups: by their usage ratio, or in proportion to `prices` when given. */
  readonly bill?: { readonly total: number; readonly currency?: string };
  /** Per-resource prices: each group's cost is its usage at these prices (scaled to `bill` when both are given). */
  readonly prices?: Prices & { readonly currency?: string };
}

export interface UsageRow {
  /** The namespace, or the label's value (`__unallocated__` for objects without it). */
  readonly group: string;
  readonly cpuCoreHours: number;
  readonly memoryGiBHours: number;
  readonly storageGiBHours: number;
  readonly gpuHours: number;
  /** The group's share of what all groups reserved, 0..1 (see usage/README.md for the rule). */
  readonly ratio: number;
  /** Present when the spec has a bill or prices. */
  readonly cost?: number;
}

/** A row's fields in the order the CSV answer and the client's `toDataFrame()` put them (usage/README.md). */
export const USAGE_ROW_COLUMNS = [
  "group",
  "cpuCoreHours",
  "memoryGiBHours",
  "storageGiBHours",
  "gpuHours",
  "ratio",
  "cost",
] as const satisfies readonly (keyof UsageRow)[];

export interface UsageReviewStatus {
  /** The range actually covered (whole hours, `to` at most now). */
  readonly from: string;
  readonly to: string;
  readonly groupBy: string;
  readonly currency?: string;
  readonly rows: readonly UsageRow[];
  readonly total: Omit<UsageRow, "group" | "ratio"> & { readonly ratio: 1 };
  /** How exact the figures are; see usage/README.md "Accuracy". */
  readonly accuracy: string;
}

export interface UsageReview {
  readonly apiVersion: typeof USAGE_API_VERSION;
  readonly kind: "UsageReview";
  readonly metadata: Record<string, unknown>;
  readonly spec: UsageReviewSpec;
  readonly status?: UsageReviewStatus;
}
