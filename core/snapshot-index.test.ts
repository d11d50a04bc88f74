import { describe, expect, it } from "vitest";
import { indexValueOf, parseIndexValue } from "./snapshot-index.js";

describe("verified-index values", () => {
  it("round-trips resourceVersion and uid", () => {
    const value = indexValueOf({
      metadata: { name: "a", uid: "4f1c-9a", resourceVersion: "123456789012345678901" },
    });
    expect(value).toBe("123456789012345678901 4f1c-9a");
    expect(parseIndexValue(value ?? "")).toEqual({ uid: "4f1c-9a", rv: 123456789012345678901n });
  });

  it("does not index objects the merge cannot compare", () => {
    expect(indexValueOf({ metadata: { name: "a", resourceVersion: "5" } })).toBeUndefined();
    expect(indexValueOf({ metadata: { name: "a", uid: "u", resourceVersion: "abc" } })).toBeUndefined();
    expect(indexValueOf({ metadata: { name: "a", uid: "u" } })).toBeUndefined();
  });

  it("rejects malformed values", () => {
    for (const value of ["", "5", " u", "x u", "5u"]) expect(parseIndexValue(value)).toBeUndefined();
  });
});
