import { describe, expect, it } from "vitest";
import {
  asHash,
  PipelineAbortedError,
  pipelineReplies,
  pipelineValues,
  replyValue,
  type PipelineResults,
} from "./pipeline-results.js";

describe("pipeline results", () => {
  const failure = new Error("WRONGTYPE");

  it("returns the values in order", () => {
    expect(
      pipelineValues(
        [
          [null, "a"],
          [null, { f: "v" }],
        ],
        2,
      ),
    ).toEqual(["a", { f: "v" }]);
  });

  it("throws the first error", () => {
    expect(() =>
      pipelineValues(
        [
          [null, "a"],
          [failure, null],
        ],
        2,
      ),
    ).toThrow(failure);
  });

  it.each<[string, PipelineResults]>([
    ["an aborted transaction", null],
    ["too few replies", [[null, "a"]]],
  ])("throws on %s", (_name, results) => {
    expect(() => pipelineValues(results, 2)).toThrow(PipelineAbortedError);
  });

  it("keeps each reply's error for callers that tolerate one", () => {
    const [ok, failed] = pipelineReplies(
      [
        [null, 1],
        [failure, null],
      ],
      2,
    );
    expect(ok).toEqual({ ok: true, value: 1 });
    expect(failed).toEqual({ ok: false, error: failure });
    expect(replyValue(ok)).toBe(1);
    expect(() => replyValue(failed)).toThrow(failure);
    expect(() => replyValue(undefined)).toThrow(PipelineAbortedError);
  });

  it("reads hashes, treating anything else as empty", () => {
    expect(asHash({ a: "1" })).toEqual({ a: "1" });
    expect(asHash(null)).toEqual({});
    expect(asHash(["a"])).toEqual({});
  });
});
