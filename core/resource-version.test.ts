import { describe, expect, it } from "vitest";
import {
  isComparableResourceVersion,
  maxResourceVersion,
  parseResourceVersion,
  resourceVersionOrZero,
  tryParseResourceVersion,
} from "./resource-version.js";

describe("resourceVersion rules", () => {
  it.each([
    ["0", 0n],
    ["7", 7n],
    ["1234567890", 1234567890n],
    // Beyond 2^53: exact, as a bigint.
    ["9007199254740993", 9007199254740993n],
    ["9".repeat(40), BigInt("9".repeat(40))],
  ])("accepts %s", (text, expected) => {
    expect(isComparableResourceVersion(text)).toBe(true);
    expect(parseResourceVersion(text)).toBe(expected);
    expect(tryParseResourceVersion(text)).toBe(expected);
    expect(resourceVersionOrZero(text)).toBe(expected);
  });

  it.each([
    ["empty", ""],
    ["leading zero", "007"],
    ["two zeros", "00"],
    ["sign", "+7"],
    ["negative", "-1"],
    ["space", " 7"],
    ["fraction", "7.0"],
    ["exponent", "1e3"],
    ["hex", "0x1f"],
    ["not a number", "abc"],
    ["too long", "1".repeat(41)],
  ])("rejects %s (%j)", (_name, text) => {
    expect(isComparableResourceVersion(text)).toBe(false);
    expect(() => parseResourceVersion(text)).toThrow(RangeError);
    expect(tryParseResourceVersion(text)).toBeUndefined();
    expect(resourceVersionOrZero(text)).toBe(0n);
  });

  it("treats absent as not comparable", () => {
    expect(isComparableResourceVersion(undefined)).toBe(false);
    expect(tryParseResourceVersion(null)).toBeUndefined();
    expect(resourceVersionOrZero(undefined)).toBe(0n);
  });

  it("orders numerically, not as text", () => {
    expect(maxResourceVersion(9n, 10n)).toBe(10n);
    expect(maxResourceVersion(parseResourceVersion("10"), parseResourceVersion("9"))).toBe(10n);
  });
});
