import { describe, expect, it } from "vitest";
import { QuantityError, formatHumanQuantity, formatQuantity, parseQuantity } from "./quantity.js";

describe("parseQuantity", () => {
  it.each([
    ["1", 1000n],
    ["0", 0n],
    ["250m", 250n],
    ["0.5", 500n],
    [".5", 500n],
    ["5.", 5000n],
    ["1.5", 1500n],
    ["+2", 2000n],
    ["-2", -2000n],
    ["1k", 1_000_000n],
    ["1M", 1_000_000_000n],
    ["1G", 1_000_000_000_000n],
    ["1T", 1_000_000_000_000_000n],
    ["1E", 10n ** 21n],
    ["1Ki", 1024_000n],
    ["1Mi", 1_048_576_000n],
    ["1Gi", 1_073_741_824_000n],
    ["1.5Gi", 1_610_612_736_000n],
    ["1Ti", (1n << 40n) * 1000n],
    ["1Ei", (1n << 60n) * 1000n],
    ["1e3", 1_000_000n],
    ["1E3", 1_000_000n],
    ["1e-3", 1n],
    ["12e+2", 1_200_000n],
    ["100u", 1n], // finer than a milli-unit rounds up, like MilliValue
    ["1n", 1n],
    ["1500000n", 2n],
    ["0.0001", 1n],
    ["129e6", 129_000_000_000n],
    ["123Mi", 123n * 1_048_576_000n],
  ])("%s is %d milli-units", (text, milli) => {
    expect(parseQuantity(text)).toBe(milli);
  });

  it.each(["", "abc", "1KI", "1 Gi", "Gi", "1.2.3", "1Gii", "--1", "1e", "1e99", "0x10", "1".repeat(65)])(
    "rejects %j",
    (text) => {
      expect(() => parseQuantity(text)).toThrow(QuantityError);
    },
  );
});

describe("formatQuantity", () => {
  it.each([
    [2000n, "cpu", "2"],
    [250n, "cpu", "250m"],
    [0n, "cpu", "0"],
    [1_073_741_824_000n, "memory", "1Gi"],
    [1_610_612_736_000n, "memory", "1536Mi"],
    [1_000_000n, "memory", "1000"],
    [110_000n, "pods", "110"],
    [2000n, "nvidia.com/gpu", "2"],
    [2_097_152_000n, "hugepages-2Mi", "2Mi"],
    [1500n, "memory", "1500m"],
  ])("%d of %s is %s, and parses back", (milli, resource, text) => {
    expect(formatQuantity(milli, resource)).toBe(text);
    expect(parseQuantity(text)).toBe(milli);
  });

  it.each([
    [1_610_612_736_000n, "memory", "1.5Gi"],
    [512n * 1_048_576_000n, "memory", "512Mi"],
    [250n, "cpu", "250m"],
    [3200n, "cpu", "3.2"],
    [12_345n, "cpu", "12.3"],
    [-1500n, "cpu", "-1.5"],
  ])("human form of %d %s is %s", (milli, resource, text) => {
    expect(formatHumanQuantity(milli, resource)).toBe(text);
  });
});
