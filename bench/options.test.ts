import { describe, expect, it } from "vitest";
import { BenchUsageError, FULL_DEFAULTS, parseBenchOptions } from "./options.js";

describe("parseBenchOptions", () => {
  it("defaults to the issue's headline cells at 10k pods, both auth modes, 100 writes/s, one repetition", () => {
    const options = parseBenchOptions([], {});
    expect(options.sizes).toEqual(FULL_DEFAULTS.sizes);
    expect([...options.cells]).toEqual(["headline", "freshness", "verify-cycle", "memory"]);
    expect(options.auths).toEqual(["kubernetes", "none"]);
    expect(options).toMatchObject({
      writeRate: 100,
      samples: 200,
      fullSamples: 30,
      concurrency: 32,
      repeat: 1,
    });
    expect(options.freshnessRates).toEqual([100, 200]);
  });

  it("quick mode shortens everything to one small population", () => {
    const options = parseBenchOptions(["--quick"], {});
    expect(options.sizes).toEqual([1000]);
    expect(options.samples).toBeLessThan(200);
  });

  it("scopes a run by flags, else the environment; populations sorted", () => {
    const options = parseBenchOptions(
      ["--pods", "100000,50000", "--cells", "memory", "--repeat=3", "--auth", "kubernetes"],
      { KRM_BENCH_PODS: "5", KRM_BENCH_WRITE_RATE: "50" },
    );
    expect(options.sizes).toEqual([50000, 100000]);
    expect([...options.cells]).toEqual(["memory"]);
    expect(options.repeat).toBe(3);
    expect(options.auths).toEqual(["kubernetes"]);
    expect(options.writeRate).toBe(50);
    expect(parseBenchOptions(["--allow-dirty"], {}).allowDirty).toBe(true);
  });

  it("rejects unknown options, cells, auth modes and bad numbers", () => {
    expect(() => parseBenchOptions(["--nope"], {})).toThrow(BenchUsageError);
    expect(() => parseBenchOptions(["--cells", "headline,bogus"], {})).toThrow(/unknown value "bogus"/);
    expect(() => parseBenchOptions(["--auth", "token"], {})).toThrow(/unknown value "token"/);
    expect(() => parseBenchOptions(["--pods", "1k"], {})).toThrow(/positive integers/);
  });
});
