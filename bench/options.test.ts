import { describe, expect, it } from "vitest";
import { BenchUsageError, FULL_DEFAULTS, parseBenchOptions } from "./options.js";

describe("parseBenchOptions", () => {
  it("defaults to the issue's populations, rates and 60 s freshness runs", () => {
    const options = parseBenchOptions([], {});
    expect(options.sizes).toEqual(FULL_DEFAULTS.sizes);
    expect(options.writeRates).toEqual([50, 200, 500]);
    expect(options.freshnessMs).toBe(60_000);
    expect([...options.phases]).toEqual(["read", "freshness", "cost"]);
  });

  it("quick mode shortens everything to one small population", () => {
    const options = parseBenchOptions(["--quick"], {});
    expect(options.sizes).toEqual([1000]);
    expect(options.freshnessMs).toBeLessThan(60_000);
  });

  it("takes sizes from the flag, else the environment, sorted", () => {
    expect(parseBenchOptions(["--sizes", "10000,1000"], { KRM_BENCH_SIZES: "5" }).sizes).toEqual([
      1000, 10000,
    ]);
    expect(parseBenchOptions([], { KRM_BENCH_SIZES: "2000" }).sizes).toEqual([2000]);
    expect(parseBenchOptions(["--sizes=3000"], {}).sizes).toEqual([3000]);
  });

  it("rejects unknown options, phases and bad numbers", () => {
    expect(() => parseBenchOptions(["--nope"], {})).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(["--phases", "read,bogus"], {})).toThrow(/unknown phase/);
    expect(() => parseBenchOptions(["--sizes", "1k"], {})).toThrow(/positive integers/);
  });
});
