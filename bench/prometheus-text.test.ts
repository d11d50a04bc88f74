import { describe, expect, it } from "vitest";
import { sampleValue } from "./prometheus-text.js";

const EXPOSITION = [
  "# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.",
  "# TYPE nodejs_heap_size_used_bytes gauge",
  "nodejs_heap_size_used_bytes 8072888",
  "nodejs_heap_size_used_bytes_extra 1",
  'nodejs_heap_space_size_used_bytes{space="new"} 5',
  "nodejs_eventloop_lag_p99_seconds 5.11e-7 1700000000000",
  "krm_api_stale NaN",
  "le_inf +Inf",
  "",
].join("\n");

describe("sampleValue", () => {
  it("reads an unlabelled sample by its exact name, in plain or scientific notation, with a timestamp", () => {
    expect(sampleValue(EXPOSITION, "nodejs_heap_size_used_bytes")).toBe(8072888);
    expect(sampleValue(EXPOSITION, "nodejs_eventloop_lag_p99_seconds")).toBe(5.11e-7);
    expect(sampleValue(EXPOSITION, "le_inf")).toBe(Infinity);
  });

  it("is undefined for absent, labelled-only, commented or non-numeric samples", () => {
    expect(sampleValue(EXPOSITION, "nodejs_heap_size_total_bytes")).toBeUndefined();
    expect(sampleValue(EXPOSITION, "nodejs_heap_space_size_used_bytes")).toBeUndefined();
    expect(sampleValue(EXPOSITION, "HELP")).toBeUndefined();
    expect(sampleValue(EXPOSITION, "krm_api_stale")).toBeUndefined();
    expect(sampleValue("", "nodejs_heap_size_used_bytes")).toBeUndefined();
  });
});
