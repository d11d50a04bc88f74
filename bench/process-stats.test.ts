import { describe, expect, it } from "vitest";
import { parseMemoryStatus } from "./process-stats.js";

describe("parseMemoryStatus", () => {
  it("reads VmRSS, VmHWM and RssAnon in bytes", () => {
    const status = "Name:\tnode\nVmHWM:\t  300 kB\nVmRSS:\t  200 kB\nRssAnon:\t  150 kB\nRssFile:\t 50 kB\n";
    expect(parseMemoryStatus(status)).toEqual({
      rssBytes: 204_800,
      peakRssBytes: 307_200,
      anonBytes: 153_600,
    });
  });
});
