/**
 * The `/dashboard` usage panel's reader (api/dashboard/usage-panel.ts): reserved usage per
 * namespace over the last {@link USAGE_PANEL_HOURS} hours, with the same arithmetic as a
 * UsageReview grouped by namespace. Each read scans the ledger's open records, so figures
 * are recomputed at most every {@link USAGE_PANEL_REFRESH_MS} however many pages are open.
 */
import type { UsagePanel, UsagePanelReader } from "../../api/dashboard/usage-panel.js";
import type { RedisConnection } from "../../core/redis-connection.js";
import type { LedgerKeys } from "../../core/redis-keys.js";
import { HOUR_MS, hourRange, readGroupTotals } from "../ledger/ledger-reader.js";
import { usageStatus } from "../review/usage-review.js";

export const USAGE_PANEL_HOURS = 24;
export const USAGE_PANEL_REFRESH_MS = 10_000;

export function usagePanelReader(
  redis: RedisConnection,
  keys: LedgerKeys,
  now: () => number,
): UsagePanelReader {
  let latest: { at: number; panel: Promise<UsagePanel> } | undefined;
  const read = async (at: number): Promise<UsagePanel> => {
    const range = hourRange(at - USAGE_PANEL_HOURS * HOUR_MS, at);
    const totals = await readGroupTotals(redis, keys, range, at);
    const status = usageStatus(
      { fromMs: range.fromMs, toMs: at, groupPrefix: "namespace:", groupBy: "namespace" },
      totals,
      { fromMs: range.fromMs, toMs: Math.min(range.toMs, at) },
      "",
    );
    return { from: status.from, to: status.to, rows: status.rows };
  };
  return () => {
    const at = now();
    if (latest === undefined || at - latest.at >= USAGE_PANEL_REFRESH_MS) {
      const entry = { at, panel: read(at) };
      // A failed read is not reused: the next refresh tries again.
      entry.panel.catch(() => {
        if (latest === entry) latest = undefined;
      });
      latest = entry;
    }
    return latest.panel;
  };
}
