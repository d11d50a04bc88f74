import { describe, expect, it } from "vitest";
import {
  KubeApiError,
  WatchSilenceError,
  isExpiredContinue,
  isGone,
  isRetriable,
  isStreamingListUnsupported,
} from "./kube-errors.js";

const gone = new KubeApiError(410, {
  code: 410,
  reason: "Gone",
  message: "too old resource version: 5 (100)",
});
const watchGone = new KubeApiError(200, {
  code: 410,
  reason: "Expired",
  message: "too old resource version",
});
const expired = new KubeApiError(410, {
  code: 410,
  reason: "Expired",
  message: "The provided continue parameter is too old to display a consistent list result.",
});
function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe("kube error predicates", () => {
  it.each([
    ["HTTP 410", gone, { gone: true, expired: false, retriable: false }],
    ["ERROR event with code 410", watchGone, { gone: true, expired: true, retriable: false }],
    ["expired continue token", expired, { gone: true, expired: true, retriable: false }],
    ["500", new KubeApiError(500, {}), { gone: false, expired: false, retriable: true }],
    ["503", new KubeApiError(503, {}), { gone: false, expired: false, retriable: true }],
    ["429", new KubeApiError(429, {}), { gone: false, expired: false, retriable: true }],
    ["403", new KubeApiError(403, {}), { gone: false, expired: false, retriable: false }],
    ["ECONNREFUSED", networkError("ECONNREFUSED"), { gone: false, expired: false, retriable: true }],
    ["ECONNRESET", networkError("ECONNRESET"), { gone: false, expired: false, retriable: true }],
    ["socket hang up", new Error("socket hang up"), { gone: false, expired: false, retriable: true }],
    ["silent watch", new WatchSilenceError("silent"), { gone: false, expired: false, retriable: true }],
    ["a bug", new TypeError("x is undefined"), { gone: false, expired: false, retriable: false }],
    ["not an error", "text", { gone: false, expired: false, retriable: false }],
  ])("%s", (_name, error, expected) => {
    expect({ gone: isGone(error), expired: isExpiredContinue(error), retriable: isRetriable(error) }).toEqual(
      expected,
    );
  });

  it.each([
    [400, true],
    [422, true],
    [410, false],
    [500, false],
  ])("streaming list unsupported on %d: %s", (code, expected) => {
    expect(isStreamingListUnsupported(new KubeApiError(code, {}))).toBe(expected);
  });
});
