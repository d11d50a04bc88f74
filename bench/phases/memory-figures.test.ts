import { describe, expect, it } from "vitest";
import { heapFigures } from "./memory-figures.js";

describe("heapFigures", () => {
  it("takes the heap after the reads and the higher of its used bytes and the sampled peak", () => {
    const after = { heap: { usedBytes: 80, totalBytes: 120 } };
    expect(heapFigures(after, { usedPeakBytes: 100, scrapes: 4, failed: 0 })).toEqual({
      apiHeap: { usedBytes: 80, totalBytes: 120 },
      apiHeapUsedPeakDuringReadsBytes: 100,
    });
    expect(
      heapFigures(after, { usedPeakBytes: 60, scrapes: 4, failed: 0 }).apiHeapUsedPeakDuringReadsBytes,
    ).toBe(80);
  });

  it("records null and the reason when scrapes failed", () => {
    expect(
      heapFigures(
        { error: "GET krm /metrics: HTTP 403: forbidden" },
        { usedPeakBytes: null, scrapes: 3, failed: 3, lastError: "GET krm /metrics: HTTP 403: forbidden" },
      ),
    ).toEqual({
      apiHeap: null,
      apiHeapUsedPeakDuringReadsBytes: null,
      heapError:
        "after reads: GET krm /metrics: HTTP 403: forbidden; during reads: 3 of 3 scrapes failed, last: GET krm /metrics: HTTP 403: forbidden",
    });
    expect(heapFigures({ heap: { usedBytes: 5, totalBytes: 6 } }, null)).toEqual({
      apiHeap: { usedBytes: 5, totalBytes: 6 },
      apiHeapUsedPeakDuringReadsBytes: 5,
      heapError: "during reads: not sampled",
    });
  });
});
