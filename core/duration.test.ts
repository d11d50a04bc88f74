import { describe, expect, it } from "vitest";
import { DurationError, parseDurationMs } from "./duration.js";

describe("parseDurationMs", () => {
  it.each([
    ["30s", 30_000],
    ["500ms", 500],
    ["2m", 120_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    [" 10s ", 10_000],
  ])("parses %s as %d ms", (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(["", "30", "s", "30x", "-5s", "30s5", "1e3s"])("rejects %j", (text) => {
    expect(() => parseDurationMs(text)).toThrow(DurationError);
  });
});
