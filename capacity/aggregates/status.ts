/**
 * A pool's or consumer's status from its use per resource: Overcommitted when any resource
 * is used beyond what may be reserved (> 100 %), else Critical / Warning at the configured
 * thresholds, else Ok. The reason names the worst resource and its percentage, as an
 * operator reads it ("memory 97% of reservable").
 */
import { thresholdsOf, type CapacityConfig } from "./config.js";

export type CapacityStatus = "Ok" | "Warning" | "Critical" | "Overcommitted";

const RANK: Readonly<Record<CapacityStatus, number>> = { Ok: 0, Warning: 1, Critical: 2, Overcommitted: 3 };

export interface StatusVerdict {
  readonly status: CapacityStatus;
  readonly reason: string;
}

/** `percentUsed` per resource; `of` says what 100 % means ("reservable", "quota"). */
export function judge(
  percentUsed: ReadonlyMap<string, number>,
  config: CapacityConfig,
  of: string,
): StatusVerdict {
  let worst: { status: CapacityStatus; resource: string; percent: number } | undefined;
  for (const [resource, percent] of [...percentUsed].sort(([a], [b]) => a.localeCompare(b))) {
    const t = thresholdsOf(config, resource);
    const status: CapacityStatus =
      percent > 100
        ? "Overcommitted"
        : percent >= t.critical
          ? "Critical"
          : percent >= t.warning
            ? "Warning"
            : "Ok";
    if (
      worst === undefined ||
      RANK[status] > RANK[worst.status] ||
      (status === worst.status && percent > worst.percent)
    )
      worst = { status, resource, percent };
  }
  if (worst === undefined || worst.status === "Ok") return { status: "Ok", reason: "" };
  return { status: worst.status, reason: `${worst.resource} ${Math.round(worst.percent)}% of ${of}` };
}

/** Percent of `part` in `whole` (milli-units), 2 decimals; Infinity when whole is 0 but part is not. */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole === 0n) return part === 0n ? 0 : Number.POSITIVE_INFINITY;
  return Number((part * 10_000n) / whole) / 100;
}
