import { describe, expect, it } from "vitest";
import { attackFailure, attackFigures, parseVegetaReport } from "./vegeta-report.js";

/** A report vegeta v12.13.0 wrote (`vegeta report -type=json`): 2 of 4 requests answered 404. */
const WRITTEN_BY_VEGETA = `{"latencies":{"total":88338804,"mean":22084701,"50th":16084200,"90th":52288526,"95th":52288526,"99th":52288526,"max":52288526,"min":3881878},"bytes_in":{"total":0,"mean":0},"bytes_out":{"total":0,"mean":0},"earliest":"2026-12-03T12:17:03.890803067Z","latest":"2026-12-03T12:17:04.641012603Z","end":"2026-12-03T12:17:04.693301129Z","duration":750209536,"wait":52288526,"requests":4,"rate":5.331843715726909,"throughput":2.4922178565958957,"success":0.5,"status_codes":{"200":2,"404":2},"errors":["404 File not found"]}`;

function report(changes: Record<string, unknown>): string {
  return JSON.stringify({ ...(JSON.parse(WRITTEN_BY_VEGETA) as object), ...changes });
}

const allOk = { requests: 4, success: 1, status_codes: { "200": 4 }, errors: [] };

describe("parseVegetaReport", () => {
  it("reads vegeta's report and keeps its other fields", () => {
    const parsed = parseVegetaReport(WRITTEN_BY_VEGETA);
    expect(parsed.latencies["50th"]).toBe(16084200);
    expect(parsed.status_codes).toEqual({ "200": 2, "404": 2 });
    expect(parsed.errors).toEqual(["404 File not found"]);
    expect(parsed["wait"]).toBe(52288526);
  });

  it("takes a null errors list (a Go slice never made) as none", () => {
    expect(parseVegetaReport(report({ errors: null })).errors).toEqual([]);
  });

  it("names the field at fault", () => {
    expect(() => parseVegetaReport("[]")).toThrow(/not a JSON object/);
    expect(() => parseVegetaReport(report({ latencies: { total: 1 } }))).toThrow(/latencies\.mean/);
    expect(() => parseVegetaReport(report({ requests: "4" }))).toThrow(/requests is not a number/);
    expect(() => parseVegetaReport(report({ status_codes: { "200": "4" } }))).toThrow(/status_codes\.200/);
  });
});

describe("attackFigures", () => {
  it("gives vegeta's nanoseconds in milliseconds", () => {
    expect(attackFigures(parseVegetaReport(WRITTEN_BY_VEGETA))).toEqual({
      requests: 4,
      success: 0.5,
      p50Ms: 16.084,
      p95Ms: 52.289,
      p99Ms: 52.289,
      maxMs: 52.289,
      meanMs: 22.085,
    });
  });
});

describe("attackFailure", () => {
  it.each([
    ["every request sent and answered 200", allOk, 4, undefined],
    ["a 404 (vegeta's errors list it)", {}, 4, /2× HTTP 404; 404 File not found/],
    [
      "a redirect, which vegeta counts as a success",
      { ...allOk, status_codes: { "200": 3, "302": 1 } },
      4,
      /1× HTTP 302/,
    ],
    [
      "a request without an answer",
      { ...allOk, status_codes: { "200": 3, "0": 1 }, errors: ["timeout"] },
      4,
      /1× no answer; timeout/,
    ],
    ["fewer requests than the rate and duration ask", allOk, 5, /4 of 5 requests sent/],
  ])("%s", (_name, changes, expected, failure) => {
    const result = attackFailure(parseVegetaReport(report(changes)), expected);
    if (failure === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(failure);
  });
});
