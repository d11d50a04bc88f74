import { describe, expect, it } from "vitest";
import { compareStreamIds, isStreamId, parseStreamId, StreamIdError, streamIdMs } from "./stream-id.js";

describe("stream ids", () => {
  it.each([
    ["9-0", "10-0", -1],
    ["10-2", "10-10", -1],
    ["10-2", "10-2", 0],
    ["10-10", "10-2", 1],
    ["0-0", "0-1", -1],
    // Beyond 2^53: compared exactly, as bigints.
    ["18446744073709551615-0", "18446744073709551614-9", 1],
  ])("%s vs %s → %i", (a, b, expected) => {
    expect(compareStreamIds(a, b)).toBe(expected);
  });

  it.each(["$", "", "12", "a-b", "1-", "-1", "1-2-3", " 1-2", "123456789012345678901-0"])(
    "rejects %j",
    (text) => {
      expect(isStreamId(text)).toBe(false);
      expect(() => parseStreamId(text)).toThrow(StreamIdError);
      expect(() => compareStreamIds(text, "1-0")).toThrow(StreamIdError);
      expect(() => compareStreamIds("1-0", text)).toThrow(StreamIdError);
    },
  );

  it("parses the parts and the append time", () => {
    expect(parseStreamId("1700000000123-42")).toEqual({ ms: 1700000000123n, seq: 42n });
    expect(streamIdMs("1700000000123-42")).toBe(1700000000123);
  });
});
