import { summarize, type LatencySummary } from "../stats.js";

export type WriteOp = "create" | "update" | "delete";

/** A write the API server acknowledged: the object's key, the resourceVersion it got, and when (ms, `performance.now()`). */
export interface AckedWrite {
  readonly key: string;
  readonly op: WriteOp;
  readonly rv: bigint;
  readonly ackAt: number;
}

/** What an observer saw of one object: a resourceVersion, or that it is gone. */
export type Observation = bigint | "deleted";

interface Seen {
  readonly what: Observation;
  readonly at: number;
}

export interface VisibilityResult {
  readonly writes: number;
  readonly visible: number;
  /** Writes never seen before the drain deadline. */
  readonly unseen: number;
  /** Writes the observer saw before this process had the API server's answer (latency counted as 0). */
  readonly seenBeforeAck: number;
  readonly latencyMs: LatencySummary;
  readonly byOp: Record<WriteOp, LatencySummary>;
}

function satisfies(write: AckedWrite, seen: Observation): boolean {
  if (seen === "deleted") return true; // Names are never reused, so a deletion supersedes every earlier write.
  return write.op !== "delete" && seen >= write.rv;
}

/**
 * Matches acknowledged writes with what one observer (krm watch, krm poll, informer) saw.
 * A write is visible at the first observation of its object at its resourceVersion or newer
 * (or of its deletion): an observer that coalesces updates still shows the write then.
 * Acks and observations may arrive in either order.
 */
export class VisibilityTracker {
  private readonly seen = new Map<string, Seen[]>();
  private readonly pending = new Map<string, AckedWrite[]>();
  private readonly latencies: { op: WriteOp; ms: number }[] = [];
  private writes = 0;
  private early = 0;

  acked(write: AckedWrite): void {
    this.writes += 1;
    const hit = this.seen.get(write.key)?.find((s) => satisfies(write, s.what));
    if (hit !== undefined) {
      this.record(write, hit.at);
      return;
    }
    const list = this.pending.get(write.key) ?? [];
    list.push(write);
    this.pending.set(write.key, list);
  }

  observed(key: string, what: Observation, at: number): void {
    const list = this.seen.get(key) ?? [];
    list.push({ what, at });
    this.seen.set(key, list);
    const waiting = this.pending.get(key);
    if (waiting === undefined) return;
    const still = waiting.filter((write) => {
      if (!satisfies(write, what)) return true;
      this.record(write, at);
      return false;
    });
    if (still.length === 0) this.pending.delete(key);
    else this.pending.set(key, still);
  }

  /** Deletes not yet seen, for observers (a poll) that can only see a deletion as an absence. */
  pendingDeletes(): { key: string; rv: bigint }[] {
    const out: { key: string; rv: bigint }[] = [];
    for (const [key, writes] of this.pending) {
      for (const write of writes) if (write.op === "delete") out.push({ key, rv: write.rv });
    }
    return out;
  }

  get pendingCount(): number {
    let count = 0;
    for (const writes of this.pending.values()) count += writes.length;
    return count;
  }

  result(): VisibilityResult {
    const ops: WriteOp[] = ["create", "update", "delete"];
    const byOp = Object.fromEntries(
      ops.map((op) => [op, summarize(this.latencies.filter((l) => l.op === op).map((l) => l.ms))]),
    ) as Record<WriteOp, LatencySummary>;
    return {
      writes: this.writes,
      visible: this.latencies.length,
      unseen: this.pendingCount,
      seenBeforeAck: this.early,
      latencyMs: summarize(this.latencies.map((l) => l.ms)),
      byOp,
    };
  }

  private record(write: AckedWrite, at: number): void {
    const ms = at - write.ackAt;
    if (ms < 0) this.early += 1;
    this.latencies.push({ op: write.op, ms: Math.max(0, ms) });
  }
}
