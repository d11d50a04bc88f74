/** A UsageReview status as CSV (RFC 4180): one row per group, then the total. */
import type { UsageReviewStatus, UsageRow } from "../review/usage-review-types.js";

const COLUMNS = [
  "group",
  "cpuCoreHours",
  "memoryGiBHours",
  "storageGiBHours",
  "gpuHours",
  "ratio",
  "cost",
] as const;

export function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function usageCsv(status: UsageReviewStatus): string {
  const line = (row: Partial<UsageRow> & { group: string }): string =>
    COLUMNS.map((column) => csvField(row[column])).join(",");
  const lines = [COLUMNS.join(","), ...status.rows.map(line), line({ ...status.total, group: "__total__" })];
  return `${lines.join("\r\n")}\r\n`;
}
