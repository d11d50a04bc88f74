import { describe, expect, it } from "vitest";
import { cycleWindows, splitByCycles } from "./cycle-windows.js";

describe("cycleWindows", () => {
  it("starts at finishedAt minus the list's duration and ends when the entry was appended", () => {
    const finishedAt = "2026-12-02T13:00:10.000Z";
    const finishedMs = Date.parse(finishedAt);
    expect(
      cycleWindows([{ id: `${finishedMs + 400}-0`, fields: { finishedAt, durationMs: "2500" } }]),
    ).toEqual([{ startMs: finishedMs - 2500, endMs: finishedMs + 400 }]);
  });

  it("takes epoch milliseconds too and skips entries it cannot place", () => {
    expect(
      cycleWindows([
        { id: "1000-0", fields: { finishedAt: "900", durationMs: "100" } },
        { id: "1000-1", fields: { durationMs: "100" } },
      ]),
    ).toEqual([{ startMs: 800, endMs: 1000 }]);
  });
});

describe("splitByCycles", () => {
  it("puts a request in `during` when its time in flight overlaps a cycle", () => {
    const windows = [{ startMs: 100, endMs: 200 }];
    const samples = [
      { sentAtMs: 50, ms: 10 },
      { sentAtMs: 95, ms: 10 },
      { sentAtMs: 150, ms: 1 },
      { sentAtMs: 199, ms: 5 },
      { sentAtMs: 201, ms: 3 },
    ];
    expect(splitByCycles(samples, windows)).toEqual({ during: [10, 1, 5], outside: [10, 3] });
  });
});
