import { describe, expect, it } from "vitest";
import { logFormat } from "./log-format.js";
import { UsageError } from "./usage-error.js";

describe("logFormat", () => {
  it.each([
    ["auto", true, "pretty"],
    ["auto", false, "json"],
    [undefined, true, "pretty"],
    ["json", true, "json"],
    ["pretty", false, "pretty"],
  ] as const)("--log-format=%s on a terminal=%s is %s", (value, tty, format) => {
    expect(logFormat(value, tty)).toBe(format);
  });

  it("rejects anything else as a usage error", () => {
    expect(() => logFormat("yaml", true)).toThrow(UsageError);
  });
});
