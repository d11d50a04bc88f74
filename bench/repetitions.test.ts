import { describe, expect, it } from "vitest";
import { percentiles, repeatedFigure } from "./repetitions.js";

describe("repeatedFigure", () => {
  it("pools the samples and keeps each repetition's percentiles and the p50 spread", () => {
    const first = Array.from({ length: 100 }, (_, i) => i + 1);
    const second = first.map((v) => v + 100);
    const figure = repeatedFigure([first, second]);
    expect(figure).toMatchObject({ n: 200, p50: 100, p95: 190, p99: 198, max: 200 });
    expect(figure.repetitions.map((r) => r.p50)).toEqual([50, 150]);
    expect(figure.p50Spread).toEqual([50, 150]);
  });

  it("reports no figures for no samples", () => {
    expect(percentiles([])).toEqual({ n: 0, p50: null, p95: null, p99: null, max: null });
    expect(repeatedFigure([]).p50Spread).toEqual([null, null]);
  });
});
