import { describe, expect, it } from "vitest";
import { compareStreamIds, parseStreamId, StreamIdError, streamIdToNanos } from "./stream-id.js";

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

  it("orders ids numerically", () => {
    expect(compareStreamIds("9-0", "10-0")).toBe(-1);
    expect(compareStreamIds("10-2", "10-10")).toBe(-1);
    expect(compareStreamIds("10-2", "10-2")).toBe(0);
  });

  it("rejects text that is not a stream id", () => {
    expect(() => parseStreamId("$")).toThrow(StreamIdError);
  });
});
