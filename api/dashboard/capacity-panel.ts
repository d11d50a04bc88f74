/**
 * The capacity panel's data on `/dashboard`: per node pool, its status and percent used per
 * resource, as the capacity views' aggregates have them (design: docs/derived-views.md).
 * The API passes a reader when capacity is on; the page hides the panel otherwise.
 */
export interface PoolUsage {
  readonly name: string;
  /** Ok, Warning, Critical or Overcommitted. */
  readonly status: string;
  readonly reason: string;
  /** Percent of the reservable amount used, by resource name. */
  readonly percentUsed: Readonly<Record<string, number>>;
}

/** Reads the current pools; called at most once per dashboard refresh. */
export type PoolUsageReader = () => readonly PoolUsage[];
