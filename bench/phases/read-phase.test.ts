import { describe, expect, it } from "vitest";
import type { HttpTarget } from "../http-target.js";
import { localTargets } from "../testing/local-targets.js";
import { READ_KINDS, runReadPhase, type AuthMode, type ReadChecker } from "./read-phase.js";

/** What the phase did, in order: cells by side, and checks of krm's pending answers. */
function recorder(): { readonly checker: ReadChecker; readonly events: string[] } {
  const events: string[] = [];
  let pending = 0;
  return {
    events,
    checker: {
      record: () => {
        pending += 1;
      },
      get pendingCount() {
        return pending;
      },
      checkPending: () => {
        events.push(`check ${pending}`);
        pending = 0;
        return Promise.resolve();
      },
    },
  };
}

describe("runReadPhase", () => {
  const target = localTargets((_request, response) => response.end('{"items":[]}'));

  it("interleaves every side's latency cell, then runs krm's throughput cells once per auth mode and the API server's once, checking after each group with krm answers", async () => {
    const { checker, events } = recorder();
    const krm = new Map<AuthMode, HttpTarget>([
      ["kubernetes", target("krm-kubernetes")],
      ["none", target("krm-none")],
    ]);
    const cells = await runReadPhase({
      krm,
      apiServer: target("kube-apiserver"),
      state: "frozen",
      pods: 20,
      samples: { list: 3, full: 2 },
      throughput: { concurrency: 2, durationMs: 20 },
      verifyEvery: 1,
      checker,
      log: (line) => events.push(line.trim().split(":")[0] ?? line),
    });
    const order = ["kubernetes", "none", "apiserver-rv0", "apiserver-consistent"];
    expect(cells.map((c) => (c.target === "krm" ? c.auth : c.target))).toEqual(
      READ_KINDS.flatMap(() => [...order, ...order]),
    );
    expect(cells.filter((c) => c.target !== "krm").every((c) => c.auth === null)).toBe(true);
    expect(events.slice(0, 6)).toEqual([
      "frozen auth=kubernetes full-list latency c=1 krm",
      "frozen auth=none full-list latency c=1 krm",
      "frozen full-list latency c=1 apiserver-rv0",
      "frozen full-list latency c=1 apiserver-consistent",
      "check 4",
      "frozen auth=kubernetes full-list throughput c=2 krm",
    ]);
    expect(events[6]).toMatch(/^check [1-9]\d*$/);
    const latency = cells.filter((c) => c.mode === "latency");
    expect(
      latency.every((c) => c.interleaved === true && c.requests === (c.kind === "full-list" ? 2 : 3)),
    ).toBe(true);
    expect(cells.filter((c) => c.mode === "throughput").every((c) => c.interleaved === undefined)).toBe(true);
    const krmCells = cells.filter((c) => c.target === "krm");
    expect(krmCells.every((c) => c.verified === c.requests && c.requests > 0)).toBe(true);
    expect(events.filter((e) => e.startsWith("check"))).toHaveLength(READ_KINDS.length * (1 + krm.size));
  });
});
