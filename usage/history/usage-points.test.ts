import { describe, expect, it } from "vitest";
import type { GroupTotals } from "../ledger/ledger-reader.js";
import { usagePoints } from "./usage-points.js";

const HOUR = 3_600_000;
const GIB = 2 ** 30;

describe("usagePoints", () => {
  it("writes one point per hour and group, in hours and GiB-hours, keyed by the hour", () => {
    const hourly = new Map<number, GroupTotals>([
      [0, new Map([["namespace:shop", { cpu: 1800, memory: 3600 * GIB }]])],
      [HOUR, new Map([["label:team=", { gpu: 7200, storage: 36 * GIB }]])],
    ]);
    const lines = usagePoints(hourly, HOUR + 60_000).map((point) => point.toLineProtocol());
    expect(lines).toEqual([
      "krm_usage,group=shop,group_by=namespace cpu_core_hours=0.5,gpu_hours=0,memory_gib_hours=1,open=0i,storage_gib_hours=0 0",
      "krm_usage,group=__unallocated__,group_by=label:team cpu_core_hours=0,gpu_hours=0,memory_gib_hours=0,open=0i,storage_gib_hours=0 0",
      `krm_usage,group=shop,group_by=namespace cpu_core_hours=0,gpu_hours=0,memory_gib_hours=0,open=1i,storage_gib_hours=0 ${HOUR}000000`,
      `krm_usage,group=__unallocated__,group_by=label:team cpu_core_hours=0,gpu_hours=2,memory_gib_hours=0,open=1i,storage_gib_hours=0.01 ${HOUR}000000`,
    ]);
  });

  it("skips keys that are not groups", () => {
    expect(usagePoints(new Map([[0, new Map([["pods", { cpu: 1 }]])]]), HOUR)).toEqual([]);
  });
});
