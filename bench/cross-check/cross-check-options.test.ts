import { describe, expect, it } from "vitest";
import {
  CROSS_CHECK_DEFAULTS,
  CrossCheckUsageError,
  ONE_CLIENT,
  expectedRequests,
  loadFor,
  parseCrossCheckOptions,
} from "./cross-check-options.js";

describe("parseCrossCheckOptions", () => {
  it("defaults to the headline's setting and issue 13's samples per side", () => {
    const options = parseCrossCheckOptions([]);
    expect(options).toEqual(CROSS_CHECK_DEFAULTS);
    expect(options).toMatchObject({ pods: 10_000, writeRate: 100, rounds: 3, http2: false });
    const namespaceList = loadFor(options, "namespace-list");
    const fullList = loadFor(options, "full-list");
    expect(namespaceList.perSecond * namespaceList.seconds).toBeGreaterThanOrEqual(200);
    // Full lists: one client in a closed loop, long enough for 30 of the API server's (~2 s each).
    expect(fullList).toEqual({ perSecond: ONE_CLIENT, seconds: 90 });
  });

  it("takes every setting from flags, reads in the bench's order", () => {
    const options = parseCrossCheckOptions([
      "--pods=1000",
      "--rounds",
      "2",
      "--write-rate",
      "50",
      "--reads",
      "full-list,namespace-list",
      "--rate",
      "2",
      "--seconds",
      "5",
      "--full-rate",
      "1",
      "--full-seconds",
      "4",
      "--http2",
      "--allow-dirty",
    ]);
    expect(options).toEqual({
      pods: 1000,
      rounds: 2,
      writeRate: 50,
      reads: ["full-list", "namespace-list"],
      listLoad: { perSecond: 2, seconds: 5 },
      fullLoad: { perSecond: 1, seconds: 4 },
      http2: true,
      allowDirty: true,
    });
    expect(loadFor(options, "namespace-list")).toEqual({ perSecond: 2, seconds: 5 });
  });

  it.each([
    [["--nope"]],
    [["--pods", "1k"]],
    [["--rounds", "0"]],
    [["--rate", "2.5"]],
    [["--reads", "namespace-list,watch"]],
    [["--reads", ""]],
  ])("rejects %j", (args) => {
    expect(() => parseCrossCheckOptions(args)).toThrow(CrossCheckUsageError);
  });

  it("reads --full-rate 0 as one client in a closed loop, which must send at least one request", () => {
    const options = parseCrossCheckOptions(["--full-rate", "0", "--full-seconds", "20"]);
    expect(options.fullLoad).toEqual({ perSecond: ONE_CLIENT, seconds: 20 });
    expect(expectedRequests(options.fullLoad)).toBe(1);
    expect(expectedRequests({ perSecond: 5, seconds: 40 })).toBe(200);
    expect(() => parseCrossCheckOptions(["--rate", "0"])).toThrow(/--rate must be a positive integer/);
    expect(() => parseCrossCheckOptions(["--full-rate=-1"])).toThrow(/0 or more/);
  });
});
