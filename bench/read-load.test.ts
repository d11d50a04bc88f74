import { describe, expect, it } from "vitest";
import { runInterleavedCells, runReadCell } from "./read-load.js";
import { localTargets } from "./testing/local-targets.js";

describe("read cells", () => {
  const arrivals: string[] = [];
  const target = localTargets((request, response) => {
    arrivals.push(request.url ?? "");
    response.statusCode = request.url?.startsWith("/broken") === true ? 500 : 200;
    response.end('{"items":[]}');
  });

  it("interleaves sides request by request, rotating who goes first each round", async () => {
    arrivals.length = 0;
    const kept: string[] = [];
    const results = await runInterleavedCells(
      [
        { target: target("a"), paths: ["/a"], keep: () => true, onKept: (path) => kept.push(path) },
        { target: target("b"), paths: ["/b"] },
        { target: target("c"), paths: ["/c1", "/c2"] },
      ],
      3,
      60_000,
    );
    expect(arrivals).toEqual(["/a", "/b", "/c1", "/b", "/c2", "/a", "/c1", "/a", "/b"]);
    expect(results.map((r) => r.requests)).toEqual([3, 3, 3]);
    expect(results.every((r) => r.concurrency === 1 && r.errors === 0 && r.latencyMs.p50 !== null)).toBe(
      true,
    );
    expect(kept).toEqual(["/a", "/a", "/a"]);
  });

  it("counts a side's failed answers as errors, not as latencies", async () => {
    const [good, broken] = await runInterleavedCells(
      [
        { target: target("good"), paths: ["/ok"] },
        { target: target("broken"), paths: ["/broken"] },
      ],
      4,
      60_000,
    );
    expect(good?.requests).toBe(4);
    expect(broken?.requests).toBe(0);
    expect(broken?.errors).toBe(4);
    expect(broken?.statuses).toEqual({ "500": 4 });
  });

  it("stops interleaving when the time is up", async () => {
    const results = await runInterleavedCells([{ target: target("late"), paths: ["/late"] }], 1_000_000, 0);
    expect(results[0]?.requests).toBe(0);
  });

  it("runs a closed-loop cell for a number of requests", async () => {
    const result = await runReadCell({
      target: target("loop"),
      paths: ["/x"],
      concurrency: 2,
      durationMs: 60_000,
      requests: 6,
    });
    expect(result.requests).toBe(6);
    expect(result.concurrency).toBe(2);
  });
});
