import { describe, expect, it } from "vitest";
import { humanDuration } from "./human-duration.js";

describe("humanDuration", () => {
  it.each([
    [-5_000, "<invalid>"],
    [-500, "0s"],
    [0, "0s"],
    [119_000, "119s"],
    [120_000, "2m"],
    [150_000, "2m30s"],
    [11 * 60_000, "11m"],
    [3 * 3_600_000, "3h"],
    [3 * 3_600_000 + 5 * 60_000, "3h5m"],
    [10 * 3_600_000, "10h"],
    [3 * 86_400_000, "3d"],
    [3 * 86_400_000 + 2 * 3_600_000, "3d2h"],
    [40 * 86_400_000, "40d"],
    [3 * 365 * 86_400_000 + 86_400_000, "3y1d"],
    [9 * 365 * 86_400_000, "9y"],
  ])("%i ms → %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
