import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import {
  booleanParam,
  DEFAULT_WATCH_TIMEOUT_SECONDS,
  integerParam,
  resourceVersionParam,
  watchTimeoutSeconds,
} from "./query-params.js";

const params = (query: string): URLSearchParams => new URLSearchParams(query);

describe("query parameters", () => {
  it.each([
    ["watch=true", true],
    ["watch=1", true],
    ["watch=false", false],
    ["watch=0", false],
    ["watch=", false],
    ["", undefined],
  ])("booleanParam %s → %s", (query, expected) => {
    expect(booleanParam(params(query), "watch")).toBe(expected);
  });

  it.each(["watch=yes", "watch=True"])("booleanParam %s is a 400", (query) => {
    expect(() => booleanParam(params(query), "watch")).toThrow(BadRequestError);
  });

  it("integerParam caps, and answers 400 to negatives, non-integers and values beyond int64", () => {
    expect(integerParam(params("limit=007"), "limit", 500)).toBe(7);
    expect(integerParam(params("limit=9000"), "limit", 500)).toBe(500);
    expect(integerParam(params(""), "limit", 500)).toBe(0);
    for (const bad of ["limit=-1", "limit=1.5", "limit=99999999999999999999"])
      expect(() => integerParam(params(bad), "limit", 500), bad).toThrow(BadRequestError);
  });

  it("watchTimeoutSeconds defaults and caps at the default", () => {
    expect(watchTimeoutSeconds(params(""))).toBe(DEFAULT_WATCH_TIMEOUT_SECONDS);
    expect(watchTimeoutSeconds(params("timeoutSeconds=0"))).toBe(DEFAULT_WATCH_TIMEOUT_SECONDS);
    expect(watchTimeoutSeconds(params("timeoutSeconds=30"))).toBe(30);
    expect(watchTimeoutSeconds(params("timeoutSeconds=999999"))).toBe(DEFAULT_WATCH_TIMEOUT_SECONDS);
  });

  it("resourceVersionParam takes canonical decimals only", () => {
    expect(resourceVersionParam(params("resourceVersion=0"))).toBe("0");
    expect(resourceVersionParam(params("resourceVersion=123"))).toBe("123");
    expect(resourceVersionParam(params("resourceVersion="))).toBeUndefined();
    for (const bad of ["resourceVersion=007", "resourceVersion=-1", "resourceVersion=abc"])
      expect(() => resourceVersionParam(params(bad)), bad).toThrow(BadRequestError);
  });
});
