import { describe, expect, it } from "vitest";
import { Backoff } from "../core/backoff.js";
import { findBuiltinKind } from "../core/kinds.js";
import { silentLogger } from "../core/logger.js";
import { AggregatorLoop } from "./aggregator.js";
import type { RawStreamEntry } from "../core/stream-entry.js";
import type { EventBatch } from "./event-source.js";
import type { ObservedObject } from "./merge-types.js";
import { MemoryStateStore } from "./memory-state-store.js";
import type { StoredSnapshot } from "./state-store.js";

const found = findBuiltinKind("pods");
if (found === undefined) throw new Error("pods is a built-in kind");
const podsKind = found;

function json(name: string, rv: string, uid = `${name}-1`): string {
  return JSON.stringify({ metadata: { name, namespace: "ns", uid, resourceVersion: rv } });
}
function ev(
  id: string,
  type: "ADDED" | "MODIFIED" | "DELETED",
  name: string,
  rv: string,
  uid?: string,
): RawStreamEntry {
  return [id, ["type", type, "rv", rv, "observed", "1000", "object", json(name, rv, uid)]];
}
function marker(id: string, rv: string, generation: string): RawStreamEntry {
  return [id, ["type", "SNAPSHOT", "rv", rv, "generation", generation, "observed", "1000"]];
}
function snapshot(rv: string, generation: string, objects: [name: string, rv: string][]): StoredSnapshot {
  const map = new Map<string, ObservedObject>(
    objects.map(([name, objectRv]) => [
      `ns/${name}`,
      { key: `ns/${name}`, uid: `${name}-1`, rv: BigInt(objectRv), json: json(name, objectRv) },
    ]),
  );
  return {
    rv: BigInt(rv),
    objects: map,
    generation,
    finishedAt: "1000",
    durationMs: "5",
    count: String(map.size),
  };
}

/** A scripted read: the batch to return, and an optional action on the store before it. */
interface Read {
  readonly batch: EventBatch;
  readonly before?: (store: MemoryStateStore) => void;
}

async function run(store: MemoryStateStore, reads: Read[], onSleep?: (store: MemoryStateStore) => void) {
  const controller = new AbortController();
  const cursors: string[] = [];
  const sleeps: number[] = [];
  const loop = new AggregatorLoop({
    kind: podsKind,
    store,
    logger: silentLogger(),
    events: {
      read: (cursor) => {
        cursors.push(cursor);
        const next = reads.shift();
        if (next === undefined) {
          controller.abort();
          return Promise.resolve({ entries: [], gap: false });
        }
        next.before?.(store);
        return Promise.resolve(next.batch);
      },
    },
    backoff: new Backoff({ jitter: 0, now: () => 0 }),
    sleep: (ms) => {
      sleeps.push(ms);
      onSleep?.(store);
      if (sleeps.length > 20) controller.abort();
      return Promise.resolve();
    },
    now: () => 42,
  });
  await loop.run(controller.signal);
  const state = Object.fromEntries(
    [...store.state].map(([key, value]) => [
      key,
      (JSON.parse(value) as { metadata: { resourceVersion: string } }).metadata.resourceVersion,
    ]),
  );
  return {
    cursors,
    sleeps,
    state,
    changes: store.changes.map((c) => (c.type === "RESET" ? "RESET" : `${c.type} ${c.key}@${c.rv}`)),
  };
}

describe("AggregatorLoop", () => {
  it("builds the state from the snapshot, then applies events in one commit per batch", async () => {
    const store = new MemoryStateStore();
    store.verified = snapshot("10", "1", [["a", "5"]]);
    const result = await run(store, [
      {
        batch: {
          entries: [
            marker("1-0", "10", "1"),
            ev("2-0", "ADDED", "b", "11"),
            ev("3-0", "MODIFIED", "a", "12"),
          ],
          gap: false,
        },
      },
      { batch: { entries: [ev("4-0", "DELETED", "b", "13")], gap: false } },
    ]);
    expect(result.state).toEqual({ "ns/a": "12" });
    expect(result.changes).toEqual(["RESET", "ADDED ns/b@11", "MODIFIED ns/a@12", "DELETED ns/b@13"]);
    expect(result.cursors).toEqual(["0-0", "3-0", "4-0"]);
    expect(store.position?.eventsCursor).toBe("4-0");
    expect(store.tombstones.get("ns/b")?.rv).toBe(13n);
  });

  it("waits for a verified snapshot when there is neither state nor snapshot", async () => {
    const store = new MemoryStateStore();
    const result = await run(store, [{ batch: { entries: [], gap: false } }], (s) => {
      s.verified = snapshot("10", "1", [["a", "5"]]);
    });
    expect(result.sleeps).toEqual([1000]);
    expect(result.state).toEqual({ "ns/a": "5" });
  });

  it("merges a SNAPSHOT marker and records its drift", async () => {
    const store = new MemoryStateStore();
    store.verified = snapshot("10", "1", [
      ["a", "5"],
      ["b", "6"],
    ]);
    const result = await run(store, [
      {
        before: (s) => {
          s.verified = snapshot("20", "2", [
            ["a", "15"],
            ["c", "16"],
          ]);
        },
        batch: { entries: [marker("5-0", "20", "2")], gap: false },
      },
    ]);
    expect(result.state).toEqual({ "ns/a": "15", "ns/c": "16" });
    expect(store.verifications.at(-1)).toMatchObject({ rv: "20", missing: "1", extra: "1", stale: "1" });
  });

  it("skips a marker whose snapshot was already replaced", async () => {
    const store = new MemoryStateStore();
    store.verified = snapshot("10", "1", [["a", "5"]]);
    const result = await run(store, [
      {
        before: (s) => (s.verified = snapshot("30", "3", [])),
        batch: { entries: [marker("5-0", "20", "2")], gap: false },
      },
    ]);
    expect(result.state).toEqual({ "ns/a": "5" });
    expect(store.position?.eventsCursor).toBe("5-0");
  });

  it("rebuilds with a new epoch when the stream was trimmed past the cursor", async () => {
    const store = new MemoryStateStore();
    store.verified = snapshot("10", "1", [["a", "5"]]);
    const result = await run(store, [
      { batch: { entries: [ev("2-0", "ADDED", "b", "11")], gap: false } },
      { before: (s) => (s.verified = snapshot("40", "2", [["z", "35"]])), batch: { entries: [], gap: true } },
    ]);
    expect(result.changes.filter((c) => c === "RESET")).toHaveLength(2);
    expect(result.state).toEqual({ "ns/z": "35" });
    expect(result.cursors.at(-1)).toBe("0-0");
  });

  it("rebuilds after Redis was flushed (the commit finds no state-meta)", async () => {
    const store = new MemoryStateStore();
    store.verified = snapshot("10", "1", [["a", "5"]]);
    const result = await run(store, [
      { batch: { entries: [ev("2-0", "ADDED", "b", "11")], gap: false } },
      {
        before: (s) => {
          s.flush();
          s.verified = snapshot("50", "1", [
            ["b", "11"],
            ["c", "45"],
          ]);
        },
        batch: { entries: [ev("9-0", "ADDED", "d", "51")], gap: false },
      },
      { batch: { entries: [ev("9-0", "ADDED", "d", "51")], gap: false } },
    ]);
    expect(result.state).toEqual({ "ns/b": "11", "ns/c": "45", "ns/d": "51" });
    expect(result.cursors).toEqual(["0-0", "2-0", "0-0", "9-0"]);
  });

  describe("snapshot merge through the index", () => {
    const before = (s: MemoryStateStore): void => {
      s.verified = snapshot("20", "2", [
        ["a", "5"],
        ["b", "16"],
        ["d", "17"],
      ]);
    };
    const start = (): MemoryStateStore => {
      const store = new MemoryStateStore();
      store.verified = snapshot("10", "1", [
        ["a", "5"],
        ["b", "6"],
        ["c", "7"],
      ]);
      return store;
    };
    const expectedState = { "ns/a": "5", "ns/b": "16", "ns/d": "17" };
    const expectedDrift = { rv: "20", missing: "1", extra: "1", stale: "1" };

    it("reads only the bodies of objects it adds or replaces", async () => {
      const store = start();
      const result = await run(store, [
        { before, batch: { entries: [marker("5-0", "20", "2")], gap: false } },
      ]);
      expect(result.state).toEqual(expectedState);
      expect(store.snapshotBodiesRead).toEqual(["ns/b", "ns/d"]);
      expect(store.verifications.at(-1)).toMatchObject(expectedDrift);
      expect(result.changes).toEqual(["RESET", "DELETED ns/c@20", "MODIFIED ns/b@16", "ADDED ns/d@17"]);
    });

    it("reads the snapshot in full when it has no index, with the same outcome", async () => {
      const store = start();
      store.verifiedIndexed = false;
      const result = await run(store, [
        { before, batch: { entries: [marker("5-0", "20", "2")], gap: false } },
      ]);
      expect(result.state).toEqual(expectedState);
      expect(store.snapshotBodiesRead).toEqual([]);
      expect(store.verifications.at(-1)).toMatchObject(expectedDrift);
      expect(result.changes).toEqual(["RESET", "DELETED ns/c@20", "MODIFIED ns/b@16", "ADDED ns/d@17"]);
    });

    it("skips the marker when the snapshot is replaced between its index and its bodies", async () => {
      class ReplacedMeanwhile extends MemoryStateStore {
        override snapshotObjects(generation: string, keys: readonly string[]) {
          this.verified = snapshot("30", "3", []);
          return super.snapshotObjects(generation, keys);
        }
      }
      const store = new ReplacedMeanwhile();
      store.verified = snapshot("10", "1", [["a", "5"]]);
      const result = await run(store, [
        {
          before: (s) => (s.verified = snapshot("20", "2", [["a", "15"]])),
          batch: { entries: [marker("5-0", "20", "2")], gap: false },
        },
      ]);
      expect(result.state).toEqual({ "ns/a": "5" });
      expect(store.position).toMatchObject({ eventsCursor: "5-0", verifiedResourceVersion: "10" });
    });
  });
});
