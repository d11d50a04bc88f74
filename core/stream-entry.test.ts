import { describe, expect, it } from "vitest";
import { decodeFields, entriesOf, type XReadReply } from "./stream-entry.js";

describe("decodeFields", () => {
  it.each<[string, unknown, Record<string, string>]>([
    ["pairs", ["type", "ADDED", "rv", "7"], { type: "ADDED", rv: "7" }],
    ["a trailing field without a value is dropped", ["type", "ADDED", "rv"], { type: "ADDED" }],
    [
      "integer replies become decimal strings",
      ["length", 5, "entries-added", 9],
      { length: "5", "entries-added": "9" },
    ],
    ["nested replies are skipped", ["first-entry", ["1-0", ["a", "b"]], "length", 1], { length: "1" }],
    ["the last of repeated fields wins", ["a", "1", "a", "2"], { a: "2" }],
    ["not a list", null, {}],
  ])("%s", (_name, flat, expected) => {
    expect(Object.fromEntries(decodeFields(flat))).toEqual(expected);
  });
});

describe("entriesOf", () => {
  const reply: XReadReply = [
    ["events", [["1-0", ["type", "ADDED"]]]],
    ["verifications", [["2-0", ["missing", "0"]]]],
  ];
  it("picks a stream's entries, the first stream's by default, none on a timeout", () => {
    expect(entriesOf(reply)).toEqual([["1-0", ["type", "ADDED"]]]);
    expect(entriesOf(reply, "verifications")).toEqual([["2-0", ["missing", "0"]]]);
    expect(entriesOf(reply, "other")).toEqual([]);
    expect(entriesOf(null)).toEqual([]);
  });
});
