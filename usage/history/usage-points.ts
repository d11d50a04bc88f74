/**
 * Usage history as InfluxDB points (schema: metrics/SCHEMA.md "Usage"): one `krm_usage` point
 * per hour × group, timestamped at the hour's start, so writing the same hour again (a later
 * sample of the open hour, or a closed hour the ledger credited late) overwrites the point
 * instead of adding one: measurement, tags and timestamp are the point's key.
 */
import { Point } from "@influxdata/influxdb-client";
import { msToNanos } from "../../metrics/point-timestamp.js";
import { HOUR_MS, type GroupTotals } from "../ledger/ledger-reader.js";
import { splitGroup } from "../ledger/observation.js";
import { reservedHours } from "../ledger/rates.js";
import { groupName } from "../review/usage-review-types.js";

export const USAGE = "krm_usage";

/**
 * Points for every group seen in any of the hours, in each of the hours (zeros where it reserved
 * nothing), so a rewrite also zeroes an hour a group no longer has (an interval the ledger
 * counted as open until it learned, late, that it had ended). An hour not yet over at `nowMs`
 * is marked `open`.
 */
export function usagePoints(hourly: ReadonlyMap<number, GroupTotals>, nowMs: number): Point[] {
  const groups = new Map<string, { groupBy: string; value: string }>();
  for (const totals of hourly.values())
    for (const group of totals.keys()) {
      const split = splitGroup(group);
      if (split !== undefined) groups.set(group, split);
    }
  const points: Point[] = [];
  for (const [hour, totals] of hourly) {
    for (const [group, split] of groups) {
      const hours = reservedHours(totals.get(group) ?? {});
      points.push(
        new Point(USAGE)
          .tag("group_by", split.groupBy)
          .tag("group", groupName(split.value))
          .floatField("cpu_core_hours", hours.cpuCoreHours)
          .floatField("memory_gib_hours", hours.memoryGiBHours)
          .floatField("storage_gib_hours", hours.storageGiBHours)
          .floatField("gpu_hours", hours.gpuHours)
          .intField("open", hour + HOUR_MS > nowMs ? 1 : 0)
          .timestamp(msToNanos(hour)),
      );
    }
  }
  return points;
}
