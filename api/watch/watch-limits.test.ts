import { describe, expect, it } from "vitest";
import { TooManyRequestsError } from "../errors.js";
import {
  MAX_WATCH_BUFFER_BYTES,
  MIN_WATCH_BUFFER_BYTES,
  memoryLimitFrom,
  WatchLimits,
} from "./watch-limits.js";

describe("watch limits", () => {
  it("caps watches in total and per user; anonymous counts only in the total", () => {
    const limits = new WatchLimits({ maxWatches: 4, maxWatchesPerUser: 2, bufferBudgetBytes: 1 << 30 });
    const a1 = limits.open("alice");
    limits.open("alice");
    expect(() => limits.open("alice")).toThrow(TooManyRequestsError);
    const bob = limits.open("bob");
    limits.open(undefined);
    expect(() => limits.open("carol")).toThrow(/too many watches \(4\)/);
    a1.release();
    a1.release();
    expect(limits.openWatches).toBe(3);
    limits.open("alice");
    bob.release();
    expect(() => limits.open("alice")).toThrow(/for user "alice"/);
  });

  it("closes a watch over the maximum, or over the minimum while all are over the budget", () => {
    const limits = new WatchLimits({ bufferBudgetBytes: 4 * MIN_WATCH_BUFFER_BYTES });
    const [a, b, c] = [limits.open(undefined), limits.open(undefined), limits.open(undefined)];
    expect(a.buffered(2 * MIN_WATCH_BUFFER_BYTES)).toBe(false);
    expect(b.buffered(2 * MIN_WATCH_BUFFER_BYTES)).toBe(false);
    expect(c.buffered(MIN_WATCH_BUFFER_BYTES)).toBe(false);
    expect(c.buffered(MIN_WATCH_BUFFER_BYTES + 1)).toBe(true);
    expect(a.buffered(0)).toBe(false);
    expect(c.buffered(MIN_WATCH_BUFFER_BYTES + 1)).toBe(false);
    b.release();
    expect(limits.bufferedBytesTotal).toBe(MIN_WATCH_BUFFER_BYTES + 1);
    expect(a.buffered(MAX_WATCH_BUFFER_BYTES + 1)).toBe(true);
  });

  it.each([
    ["max\n", undefined],
    ["2147483648\n", 2147483648],
    ["9223372036854771712", undefined],
    ["", undefined],
    [undefined, undefined],
    ["garbage", undefined],
  ])("memory limit of %j is %s", (text, bytes) => {
    expect(memoryLimitFrom(text)).toBe(bytes);
  });
});
