import { describe, expect, it } from "vitest";
import { VisibilityTracker } from "./visibility-tracker.js";

describe("VisibilityTracker", () => {
  it("measures from ack to the first observation at the written resourceVersion or newer", () => {
    const tracker = new VisibilityTracker();
    tracker.acked({ key: "ns/a", op: "create", rv: 10n, ackAt: 100 });
    tracker.observed("ns/a", 9n, 101);
    tracker.observed("ns/a", 12n, 105);
    const result = tracker.result();
    expect(result.visible).toBe(1);
    expect(result.latencyMs.max).toBe(5);
  });

  it("counts an observation that arrived before the ack as 0 ms and reports it", () => {
    const tracker = new VisibilityTracker();
    tracker.observed("ns/a", 10n, 99);
    tracker.acked({ key: "ns/a", op: "create", rv: 10n, ackAt: 100 });
    expect(tracker.result()).toMatchObject({ visible: 1, seenBeforeAck: 1, latencyMs: { max: 0 } });
  });

  it("a delete is seen only as a deletion, and a deletion also shows earlier writes", () => {
    const tracker = new VisibilityTracker();
    tracker.acked({ key: "ns/a", op: "update", rv: 20n, ackAt: 100 });
    tracker.acked({ key: "ns/a", op: "delete", rv: 21n, ackAt: 101 });
    tracker.observed("ns/a", 25n, 102);
    expect(tracker.pendingDeletes()).toEqual([{ key: "ns/a", rv: 21n }]);
    tracker.observed("ns/a", "deleted", 110);
    const result = tracker.result();
    expect(result).toMatchObject({ writes: 2, visible: 2, unseen: 0 });
    expect(result.byOp.update.max).toBe(2);
    expect(result.byOp.delete.max).toBe(9);
  });

  it("reports writes never seen as unseen", () => {
    const tracker = new VisibilityTracker();
    tracker.acked({ key: "ns/a", op: "create", rv: 1n, ackAt: 0 });
    expect(tracker.result()).toMatchObject({ writes: 1, visible: 0, unseen: 1 });
  });
});
