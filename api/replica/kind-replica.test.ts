import { describe, expect, it, vi } from "vitest";
import { KindReplica, type FeedChange, type ReplicaEvent } from "./kind-replica.js";

function pod(ns: string, name: string, rv: number, labels: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace: ns, name, resourceVersion: String(rv), labels },
  });
}

function loaded(ringCapacity = 100): KindReplica {
  const replica = new KindReplica({ ringCapacity });
  replica.load({
    state: { "a/p1": pod("a", "p1", 10), "b/p2": pod("b", "p2", 11), "a/p3": pod("a", "p3", 12) },
    meta: { epoch: "e1", resourceVersion: "12", verifiedAt: "1000" },
    position: "5-0",
  });
  return replica;
}

function change(
  id: string,
  type: "ADDED" | "MODIFIED" | "DELETED",
  ns: string,
  name: string,
  rv: number,
): FeedChange {
  return { id, type, key: `${ns}/${name}`, rv: String(rv), object: pod(ns, name, rv), epoch: "e1" };
}

const names = (objects: Iterable<{ key: string }> | undefined): string[] =>
  [...(objects ?? [])].map((o) => o.key);

describe("KindReplica", () => {
  it("loads a consistent snapshot in key order with a per-namespace index", () => {
    const replica = loaded();
    expect(names(replica.objectsAt("5-0", undefined, ""))).toEqual(["a/p1", "a/p3", "b/p2"]);
    expect(names(replica.objectsAt("5-0", "a", ""))).toEqual(["a/p1", "a/p3"]);
    expect(names(replica.objectsAt("5-0", "a", "a/p1"))).toEqual(["a/p3"]);
    expect(replica.resourceVersion).toBe(12n);
    expect(replica.meta?.verifiedAt).toBe(1000);
  });

  it("applies ADDED, MODIFIED and DELETED in feed order and notifies listeners", () => {
    const replica = loaded();
    const seen: ReplicaEvent[] = [];
    replica.subscribe({ onEvent: (e) => seen.push(e), onReset: () => undefined });
    expect(replica.apply(change("6-0", "ADDED", "c", "p4", 13))).toBe("applied");
    expect(replica.apply(change("7-0", "MODIFIED", "a", "p1", 14))).toBe("applied");
    expect(replica.apply(change("8-0", "DELETED", "b", "p2", 15))).toBe("applied");
    expect(names(replica.objectsAt("8-0", undefined, ""))).toEqual(["a/p1", "a/p3", "c/p4"]);
    expect(replica.objectsAt("8-0", "b", "")).toBeDefined();
    expect(names(replica.objectsAt("8-0", "b", ""))).toEqual([]);
    expect(replica.get("a/p1")?.resourceVersion).toBe("14");
    expect(replica.resourceVersion).toBe(15n);
    expect(seen.map((e) => `${e.type} ${e.key} ${e.resourceVersion}`)).toEqual([
      "ADDED c/p4 13",
      "MODIFIED a/p1 14",
      "DELETED b/p2 15",
    ]);
  });

  it("ignores a change it has already applied (at or before its position)", () => {
    const replica = loaded();
    replica.apply(change("6-0", "ADDED", "c", "p4", 13));
    replica.apply(change("6-0", "DELETED", "c", "p4", 14));
    expect(replica.get("c/p4")).toBeDefined();
  });

  it("asks for a reload on RESET or a change from another epoch", () => {
    const replica = loaded();
    expect(replica.apply({ id: "6-0", type: "RESET", epoch: "e2" })).toBe("reload");
    expect(replica.apply({ ...change("6-0", "ADDED", "c", "p4", 13), epoch: "e2" })).toBe("reload");
    expect(replica.updateMeta({ epoch: "e2" })).toBe("reload");
    expect(replica.updateMeta({ epoch: "e1", verifiedAt: "2000" })).toBe("applied");
    expect(replica.meta?.verifiedAt).toBe(2000);
  });

  it("reconstructs the state at an older position for continue pages", () => {
    const replica = loaded();
    replica.apply(change("6-0", "ADDED", "a", "p2", 13));
    replica.apply(change("7-0", "MODIFIED", "a", "p3", 14));
    replica.apply(change("8-0", "DELETED", "b", "p2", 15));
    const then = [...(replica.objectsAt("5-0", undefined, "a/p1") ?? [])];
    expect(then.map((o) => `${o.key}@${o.resourceVersion}`)).toEqual(["a/p3@12", "b/p2@11"]);
    expect(names(replica.objectsAt("6-0", "a", ""))).toEqual(["a/p1", "a/p2", "a/p3"]);
  });

  it("answers undefined for a position older than the ring or newer than the replica", () => {
    const replica = loaded(2);
    replica.apply(change("6-0", "ADDED", "c", "p4", 13));
    replica.apply(change("7-0", "ADDED", "c", "p5", 14));
    expect(replica.objectsAt("5-0", undefined, "")).toBeDefined();
    replica.apply(change("8-0", "ADDED", "c", "p6", 15));
    expect(replica.objectsAt("5-0", undefined, "")).toBeUndefined();
    expect(replica.objectsAt("6-0", undefined, "")).toBeDefined();
    expect(replica.objectsAt("9-0", undefined, "")).toBeUndefined();
  });

  it("serves watch resumes from the ring and reports gone beyond it", () => {
    const replica = loaded(2);
    replica.apply(change("6-0", "ADDED", "c", "p4", 13));
    replica.apply(change("7-0", "ADDED", "c", "p5", 14));
    expect((replica.eventsAfter(12n) as ReplicaEvent[]).map((e) => e.key)).toEqual(["c/p4", "c/p5"]);
    expect((replica.eventsAfter(13n) as ReplicaEvent[]).map((e) => e.key)).toEqual(["c/p5"]);
    replica.apply(change("8-0", "ADDED", "c", "p6", 15));
    expect(replica.eventsAfter(12n)).toBe("gone");
    expect((replica.eventsAfter(13n) as ReplicaEvent[]).map((e) => e.key)).toEqual(["c/p5", "c/p6"]);
  });

  it("ends watchers on reload", () => {
    const replica = loaded();
    let resets = 0;
    replica.subscribe({ onEvent: () => undefined, onReset: () => resets++ });
    replica.load({ state: {}, meta: { epoch: "e2" }, position: "9-0" });
    expect(resets).toBe(1);
    expect(replica.size).toBe(0);
  });

  it("leaves out objects it cannot parse and reports them", () => {
    const bad: string[] = [];
    const replica = new KindReplica({ onBadObject: (key) => bad.push(key) });
    replica.load({
      state: { "a/x": "{not json", "a/y": pod("a", "y", 1) },
      meta: { epoch: "e" },
      position: "0-0",
    });
    expect(bad).toEqual(["a/x"]);
    expect(replica.size).toBe(1);
  });

  it("waitUntil resolves when a change reaches the wanted state, or false at the deadline", async () => {
    vi.useFakeTimers();
    try {
      const replica = loaded();
      const reached = replica.waitUntil(() => replica.resourceVersion >= 13n, 3000);
      replica.apply(change("6-0", "ADDED", "c", "p4", 13));
      await expect(reached).resolves.toBe(true);
      const never = replica.waitUntil(() => replica.resourceVersion >= 99n, 3000);
      vi.advanceTimersByTime(3000);
      await expect(never).resolves.toBe(false);
      await expect(replica.waitUntil(() => true, 1)).resolves.toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("drops the oldest changes once the versions they keep alive exceed ringMaxBytes", () => {
    const size = Buffer.byteLength(pod("a", "p1", 10));
    // Room for the versions replaced by two changes, not three.
    const replica = new KindReplica({ ringCapacity: 100, ringMaxBytes: size * 2 + 1 });
    replica.load({
      state: { "a/p1": pod("a", "p1", 10) },
      meta: { epoch: "e1", resourceVersion: "10", verifiedAt: "1000" },
      position: "5-0",
    });
    replica.apply(change("6-0", "MODIFIED", "a", "p1", 20));
    replica.apply(change("7-0", "MODIFIED", "a", "p1", 30));
    expect(replica.eventsAfter(10n)).not.toBe("gone");
    replica.apply(change("8-0", "MODIFIED", "a", "p1", 40));
    expect(replica.eventsAfter(10n)).toBe("gone");
    expect(replica.objectsAt("5-0", undefined, "")).toBeUndefined();
    const resumed = replica.eventsAfter(20n);
    expect(resumed === "gone" ? resumed : resumed.map((e) => e.resourceVersion)).toEqual([30n, 40n]);
    expect(names(replica.objectsAt("7-0", undefined, ""))).toEqual(["a/p1"]);
    // An ADDED change keeps no replaced version alive, so it never counts against the budget.
    replica.apply(change("9-0", "ADDED", "b", "p2", 50));
    expect(replica.eventsAfter(20n)).not.toBe("gone");
  });

  it("keeps each object's bytes and a view of only what selectors read", () => {
    const replica = new KindReplica({ viewFields: ["spec.nodeName", "status.phase", "spec.hostNetwork"] });
    const json = JSON.stringify({
      metadata: {
        namespace: "a",
        name: "p",
        uid: "u",
        resourceVersion: "3",
        labels: { app: "x" },
        annotations: { big: "y" },
      },
      spec: { nodeName: "n1", hostNetwork: false, containers: [{ name: "c" }] },
      status: { phase: "Running", conditions: [] },
    });
    replica.load({
      state: { "a/p": Buffer.from(json) },
      meta: { epoch: "e1", verifiedAt: "1" },
      position: "1-0",
    });
    const cached = replica.get("a/p");
    expect(cached?.bytes.toString()).toBe(json);
    expect(cached?.view).toEqual({
      metadata: { namespace: "a", name: "p", uid: "u", resourceVersion: "3", labels: { app: "x" } },
      spec: { nodeName: "n1", hostNetwork: false },
      status: { phase: "Running" },
    });
  });
});
