import { describe, expect, it } from "vitest";
import { streamIdToNanos } from "./point-timestamp.js";

describe("stream ids as timestamps", () => {
  it("maps <ms>-<seq> to ms * 1e6 + seq nanoseconds", () => {
    expect(streamIdToNanos("1700000000123-0")).toBe("1700000000123000000");
    expect(streamIdToNanos("1700000000123-42")).toBe("1700000000123000042");
  });

  it("gives every entry of one millisecond its own timestamp", () => {
    const stamps = new Set(Array.from({ length: 500 }, (_, seq) => streamIdToNanos(`1700000000123-${seq}`)));
    expect(stamps.size).toBe(500);
  });

  it("clamps absurd sequences instead of colliding with the next millisecond", () => {
    expect(streamIdToNanos("1-5000000")).toBe("1999999");
  });
});
