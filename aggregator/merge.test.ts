import { describe, expect, it } from "vitest";
import { MemoryIndex } from "./memory-index.js";
import { mergeEvent } from "./merge-event.js";
import type { Drift, ObservedObject, StateOp } from "./merge-types.js";
import { mergeSnapshot, planSnapshotMerge, withBodies } from "./merge-snapshot.js";

/** A compact object: `key@rv#uid` (uid defaults to `key-1`). */
function obj(spec: string): ObservedObject {
  const match = /^([^@]+)@(\d+)(?:#(.+))?$/.exec(spec);
  if (match === null) throw new Error(`bad spec ${spec}`);
  const [, key = "", rv = "0", uid = `${key}-1`] = match;
  return {
    key,
    uid,
    rv: BigInt(rv),
    json: JSON.stringify({ metadata: { name: key, uid, resourceVersion: rv } }),
  };
}

type Step =
  readonly ["ADDED" | "MODIFIED" | "DELETED", string] | readonly ["SNAPSHOT", number, readonly string[]];

interface Outcome {
  /** key -> `rv#uid` of the final state. */
  readonly state: Record<string, string>;
  /** key -> `rv#uid` of the remaining tombstones. */
  readonly tombstones: Record<string, string>;
  /** Every change-feed entry, as `TYPE key@rv`. */
  readonly changes: string[];
  /** Drift of each snapshot, in order. */
  readonly drift: Drift[];
}

/** Runs steps through the pure merge over a MemoryIndex, as the aggregator does. */
function run(steps: readonly Step[]): Outcome {
  const index = new MemoryIndex();
  const changes: string[] = [];
  const drift: Drift[] = [];
  const record = (ops: readonly StateOp[]): void => {
    for (const op of ops) {
      if (op.op === "put") changes.push(`${op.change} ${op.key}@${op.rv}`);
      if (op.op === "remove") changes.push(`DELETED ${op.key}@${op.rv}`);
    }
    index.apply(ops);
  };
  for (const step of steps) {
    if (step[0] === "SNAPSHOT") {
      const [, rv, specs] = step;
      const objects = new Map(specs.map((s) => obj(s)).map((o) => [o.key, o] as const));
      const merged = mergeSnapshot(index, { rv: BigInt(rv), objects });
      // The aggregator's path: decide from the index alone, then fetch only the put bodies.
      const indexOnly = new Map([...objects].map(([key, o]) => [key, { uid: o.uid, rv: o.rv }] as const));
      const plan = planSnapshotMerge(index, { rv: BigInt(rv), objects: indexOnly });
      const putKeys = merged.ops.flatMap((op) => (op.op === "put" ? [op.key] : []));
      expect(plan.bodiesNeeded).toEqual(putKeys);
      expect(withBodies(plan, (key) => objects.get(key)?.json)).toEqual(merged);
      record(merged.ops);
      index.markVerified(BigInt(rv));
      drift.push(merged.drift);
    } else {
      record(mergeEvent(index, { type: step[0], object: obj(step[1]), observedAt: 1 }));
    }
  }
  const state = Object.fromEntries([...index.entries()].map(([k, e]) => [k, `${e.rv}#${e.uid}`]));
  const tombstones = Object.fromEntries([...index.tombstones()].map(([k, t]) => [k, `${t.rv}#${t.uid}`]));
  return { state, tombstones, changes, drift };
}

const noDrift = { missing: 0, extra: 0, stale: 0 };

describe("merge rules", () => {
  it.each<[string, Step[], Partial<Outcome>]>([
    [
      "events in order build the state",
      [
        ["ADDED", "a@5"],
        ["MODIFIED", "a@7"],
        ["ADDED", "b@8"],
      ],
      { state: { a: "7#a-1", b: "8#b-1" }, changes: ["ADDED a@5", "MODIFIED a@7", "ADDED b@8"] },
    ],
    [
      "duplicate event is ignored",
      [
        ["ADDED", "a@5"],
        ["MODIFIED", "a@7"],
        ["MODIFIED", "a@7"],
      ],
      { state: { a: "7#a-1" }, changes: ["ADDED a@5", "MODIFIED a@7"] },
    ],
    [
      "out-of-order (older) event is ignored",
      [
        ["ADDED", "a@5"],
        ["MODIFIED", "a@9"],
        ["MODIFIED", "a@7"],
      ],
      { state: { a: "9#a-1" }, changes: ["ADDED a@5", "MODIFIED a@9"] },
    ],
    [
      "a MODIFIED for an unknown object adds it",
      [["MODIFIED", "a@5"]],
      { state: { a: "5#a-1" }, changes: ["ADDED a@5"] },
    ],
    [
      "DELETED removes and leaves a tombstone",
      [
        ["ADDED", "a@5"],
        ["DELETED", "a@6"],
      ],
      { state: {}, tombstones: { a: "6#a-1" }, changes: ["ADDED a@5", "DELETED a@6"] },
    ],
    [
      "an old event after DELETED does not resurrect",
      [
        ["ADDED", "a@5"],
        ["DELETED", "a@6"],
        ["MODIFIED", "a@5"],
      ],
      { state: {}, tombstones: { a: "6#a-1" } },
    ],
    [
      "recreate with a new uid replaces the old object",
      [
        ["ADDED", "a@5#u1"],
        ["ADDED", "a@9#u2"],
      ],
      { state: { a: "9#u2" }, changes: ["ADDED a@5", "DELETED a@9", "ADDED a@9"] },
    ],
    [
      "recreate after a seen DELETED clears the tombstone",
      [
        ["ADDED", "a@5#u1"],
        ["DELETED", "a@6#u1"],
        ["ADDED", "a@8#u2"],
      ],
      { state: { a: "8#u2" }, tombstones: {} },
    ],
    [
      "a late DELETED of the old uid does not remove the recreated object",
      [
        ["ADDED", "a@5#u1"],
        ["ADDED", "a@9#u2"],
        ["DELETED", "a@6#u1"],
      ],
      { state: { a: "9#u2" } },
    ],
    [
      "missed DELETED: the snapshot removes the object",
      [
        ["ADDED", "a@5"],
        ["ADDED", "b@6"],
        ["SNAPSHOT", 10, ["b@6"]],
      ],
      {
        state: { b: "6#b-1" },
        drift: [{ missing: 0, extra: 1, stale: 0 }],
        changes: ["ADDED a@5", "ADDED b@6", "DELETED a@10"],
      },
    ],
    [
      "missed ADDED: the snapshot adds the object",
      [
        ["ADDED", "a@5"],
        ["SNAPSHOT", 10, ["a@5", "b@7"]],
      ],
      { state: { a: "5#a-1", b: "7#b-1" }, drift: [{ missing: 1, extra: 0, stale: 0 }] },
    ],
    [
      "missed MODIFIED: the snapshot refreshes a stale object",
      [
        ["ADDED", "a@5"],
        ["SNAPSHOT", 10, ["a@8"]],
      ],
      {
        state: { a: "8#a-1" },
        drift: [{ missing: 0, extra: 0, stale: 1 }],
        changes: ["ADDED a@5", "MODIFIED a@8"],
      },
    ],
    [
      "missed delete + recreate: the snapshot's new uid replaces the old",
      [
        ["ADDED", "a@5#u1"],
        ["SNAPSHOT", 10, ["a@8#u2"]],
      ],
      { state: { a: "8#u2" }, drift: [{ missing: 0, extra: 0, stale: 1 }] },
    ],
    [
      "snapshot older than applied events keeps newer objects",
      [
        ["ADDED", "a@5"],
        ["MODIFIED", "a@12"],
        ["ADDED", "c@13"],
        ["SNAPSHOT", 10, ["a@7"]],
      ],
      { state: { a: "12#a-1", c: "13#c-1" }, drift: [noDrift] },
    ],
    [
      "snapshot older than a seen DELETED does not resurrect",
      [
        ["ADDED", "a@5"],
        ["DELETED", "a@12"],
        ["SNAPSHOT", 10, ["a@5"]],
      ],
      { state: {}, tombstones: { a: "12#a-1" }, drift: [noDrift] },
    ],
    [
      "tombstones older than the snapshot are pruned, newer kept",
      [
        ["ADDED", "a@5"],
        ["DELETED", "a@6"],
        ["ADDED", "b@7"],
        ["DELETED", "b@15"],
        ["SNAPSHOT", 10, ["b@7"]],
      ],
      { state: {}, tombstones: { b: "15#b-1" } },
    ],
    [
      "after pruning, an old event for the pruned key is still ignored",
      [
        ["ADDED", "a@5"],
        ["DELETED", "a@6"],
        ["SNAPSHOT", 10, []],
        ["MODIFIED", "a@5"],
      ],
      { state: {}, tombstones: {} },
    ],
    [
      "an event older than the snapshot for an absent object is ignored",
      [
        ["SNAPSHOT", 10, ["b@3"]],
        ["ADDED", "a@4"],
        ["ADDED", "c@11"],
      ],
      { state: { b: "3#b-1", c: "11#c-1" } },
    ],
    [
      "empty snapshot removes everything at or below its resourceVersion",
      [
        ["ADDED", "a@5"],
        ["ADDED", "b@6"],
        ["ADDED", "c@20"],
        ["SNAPSHOT", 10, []],
      ],
      { state: { c: "20#c-1" }, drift: [{ missing: 0, extra: 2, stale: 0 }] },
    ],
    [
      "empty snapshot on empty state changes nothing",
      [["SNAPSHOT", 10, []]],
      { state: {}, changes: [], drift: [noDrift] },
    ],
    [
      "same snapshot twice reports no drift the second time",
      [
        ["SNAPSHOT", 10, ["a@5"]],
        ["SNAPSHOT", 10, ["a@5"]],
      ],
      { state: { a: "5#a-1" }, drift: [{ missing: 1, extra: 0, stale: 0 }, noDrift] },
    ],
    [
      "snapshot adds an object recreated after an older tombstone",
      [
        ["ADDED", "a@5#u1"],
        ["DELETED", "a@6#u1"],
        ["SNAPSHOT", 10, ["a@8#u2"]],
      ],
      { state: { a: "8#u2" }, tombstones: {}, drift: [{ missing: 1, extra: 0, stale: 0 }] },
    ],
  ])("%s", (_name, steps, expected) => {
    expect(run(steps)).toMatchObject(expected);
  });

  it("an unchanged snapshot needs no bodies", () => {
    const index = new MemoryIndex();
    for (const spec of ["a@5", "b@6"])
      index.apply(mergeEvent(index, { type: "ADDED", object: obj(spec), observedAt: 1 }));
    const listed = new Map([
      ["a", { uid: "a-1", rv: 5n }],
      ["b", { uid: "b-1", rv: 6n }],
    ]);
    const plan = planSnapshotMerge(index, { rv: 10n, objects: listed });
    expect(plan).toEqual({ ops: [], drift: noDrift, bodiesNeeded: [] });
  });

  it("withBodies gives up when a needed body is missing", () => {
    const plan = planSnapshotMerge(new MemoryIndex(), {
      rv: 10n,
      objects: new Map([["a", { uid: "u", rv: 5n }]]),
    });
    expect(plan.bodiesNeeded).toEqual(["a"]);
    expect(withBodies(plan, () => undefined)).toBeUndefined();
  });

  it("is pure: merging does not change the view", () => {
    const index = new MemoryIndex();
    index.apply(mergeEvent(index, { type: "ADDED", object: obj("a@5"), observedAt: 1 }));
    mergeSnapshot(index, { rv: 10n, objects: new Map() });
    mergeEvent(index, { type: "DELETED", object: obj("a@6"), observedAt: 2 });
    expect([...index.entries()]).toEqual([["a", { uid: "a-1", rv: 5n }]]);
  });
});
