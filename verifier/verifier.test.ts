import { describe, expect, it } from "vitest";
import { Backoff } from "../core/backoff.js";
import { findBuiltinKind } from "../core/kinds.js";
import { silentLogger } from "../core/logger.js";
import { VerifierLoop } from "./verifier.js";

const found = findBuiltinKind("pods");
if (found === undefined) throw new Error("pods is a built-in kind");
const pods = found;

interface Scenario {
  /** Results of successive lists: a resourceVersion or an error. */
  readonly lists: (string | Error)[];
  /** Whether verified-meta exists, asked before each due check. */
  readonly exists: (t: number) => boolean;
  readonly untilMs: number;
}

/** Runs the loop on a fake clock (sleep advances it) and returns when each list started and what was swapped. */
async function run(
  scenario: Scenario,
): Promise<{ listedAt: number[]; committed: string[]; discarded: number }> {
  let t = 0;
  const controller = new AbortController();
  const listedAt: number[] = [];
  const committed: string[] = [];
  let discarded = 0;
  const loop = new VerifierLoop({
    kind: pods,
    list: async (options) => {
      listedAt.push(t);
      const next = scenario.lists.shift() ?? "0";
      if (next instanceof Error) throw next;
      await options.onPage([]);
      return { resourceVersion: next, count: 0 };
    },
    beginSnapshot: () => ({
      add: () => Promise.resolve(),
      discard: () => {
        discarded += 1;
        return Promise.resolve();
      },
      commit: (rv) => {
        committed.push(rv);
        return Promise.resolve({ swapped: true, generation: String(committed.length) });
      },
    }),
    snapshotExists: () => Promise.resolve(scenario.exists(t)),
    logger: silentLogger(),
    verifyIntervalMs: 5000,
    backoff: new Backoff({ jitter: 0, now: () => t }),
    sleep: (ms) => {
      t += ms;
      if (t >= scenario.untilMs) controller.abort();
      return Promise.resolve();
    },
    now: () => t,
  });
  await loop.run(controller.signal);
  return { listedAt, committed, discarded };
}

describe("VerifierLoop", () => {
  it("verifies once per interval while the snapshot exists", async () => {
    const result = await run({ lists: ["10", "20", "30"], exists: () => true, untilMs: 16_000 });
    expect(result.listedAt).toEqual([5000, 10_000, 15_000]);
    expect(result.committed).toEqual(["10", "20", "30"]);
  });

  it("verifies at once when verified-meta is missing (first start or Redis flushed)", async () => {
    const result = await run({
      lists: ["10", "20", "30"],
      exists: (t) => t !== 0 && t !== 7000,
      untilMs: 11_000,
    });
    expect(result.listedAt).toEqual([0, 5000, 7000]);
  });

  it("retries a failed list after backoff, then returns to the interval", async () => {
    const result = await run({
      lists: [new Error("ECONNREFUSED"), new Error("ECONNREFUSED"), "10", "20"],
      exists: () => true,
      untilMs: 13_000,
    });
    expect(result.listedAt).toEqual([5000, 5800, 7400, 12_400]);
    expect(result.committed).toEqual(["10", "20"]);
    expect(result.discarded).toBe(2);
  });
});
