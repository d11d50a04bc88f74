/** A UsageReview status as CSV (RFC 4180): one row per group, then the total. */
import { USAGE_ROW_COLUMNS, type UsageReviewStatus, type UsageRow } from "../review/usage-review-types.js";

export function csvField(value: string | number | undefined): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function usageCsv(status: UsageReviewStatus): string {
  const line = (row: Partial<UsageRow> & { group: string }): string =>
    USAGE_ROW_COLUMNS.map((column) => csvField(row[column])).join(",");
  const lines = [
    USAGE_ROW_COLUMNS.join(","),
    ...status.rows.map(line),
    line({ ...status.total, group: "__total__" }),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
