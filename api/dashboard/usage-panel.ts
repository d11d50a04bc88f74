/**
 * The usage panel's data on `/dashboard`: reserved usage per namespace over the last day, as
 * the usage ledger has it (usage.krm.dev, usage/README.md). The API passes a reader when the
 * usage views are on; the page hides the panel otherwise.
 */
/** A namespace's core-hours, GiB-hours and GPU-hours, and its share of what all namespaces reserved, 0..1 (usage/README.md). */
export type NamespaceUsage = Readonly<
  Record<"cpuCoreHours" | "memoryGiBHours" | "storageGiBHours" | "gpuHours" | "ratio", number>
> & { readonly group: string };

export interface UsagePanel {
  /** The range covered, RFC 3339 (whole hours, `to` at most now). */
  readonly from: string;
  readonly to: string;
  /** Biggest ratio first. */
  readonly rows: readonly NamespaceUsage[];
}

/** Reads the current figures; called at most once per dashboard refresh. */
export type UsagePanelReader = () => Promise<UsagePanel>;
