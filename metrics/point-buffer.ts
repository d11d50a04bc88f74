/**
 * The bounded FIFO between reading Redis and writing InfluxDB. Pushing never waits: when
 * the buffer is full the OLDEST point is dropped and counted, so a down or slow InfluxDB
 * never slows the reader (and, on recovery, the freshest data is what arrives).
 *
 * Points read from a stream carry their origin (cursor key, stream, entry id). An entry is
 * "done" once its point was written, rejected or dropped; since removal is always from the
 * front and each stream's points enter in stream order, the last removed id of a stream is
 * a safe cursor for it: everything up to it is done. {@link takeProgress} hands those
 * cursors to whoever persists them.
 */

/** Where a point came from, for cursor bookkeeping; absent for sampled points. */
export interface PointOrigin {
  /** Redis hash that holds the cursors (one per kind). */
  readonly cursorKey: string;
  /** Field in that hash: which stream. */
  readonly stream: string;
  readonly id: string;
}

interface Entry {
  readonly line: string;
  readonly origin: PointOrigin | undefined;
}

/** A prefix of the buffer handed to a writer; release it with {@link PointBuffer.release}. */
export interface Batch {
  readonly lines: readonly string[];
  /** Sequence number of the last line in the batch. */
  readonly throughSeq: number;
}

/** Entries removed from the front before the backing array is compacted. */
const COMPACT_AFTER = 4096;

export class PointBuffer {
  private entries: Entry[] = [];
  private head = 0;
  /** Sequence number of `entries[head]`. */
  private headSeq = 0;
  private droppedCount = 0;
  private readonly progress = new Map<string, PointOrigin>();

  /** Called when a push makes the buffer reach `wakeAt` points (so a flusher can start a batch early). */
  onFill: (() => void) | undefined;

  constructor(
    readonly capacity: number,
    private readonly wakeAt = capacity,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`buffer capacity must be ≥ 1`);
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Points dropped because the buffer was full, since creation. */
  get dropped(): number {
    return this.droppedCount;
  }

  push(line: string, origin?: PointOrigin): void {
    if (this.size >= this.capacity) {
      this.removeFront(1);
      this.droppedCount += 1;
    }
    this.entries.push({ line, origin });
    if (this.size === this.wakeAt) this.onFill?.();
  }

  /** The oldest `max` points, left in the buffer until released. */
  peek(max: number): Batch {
    const end = Math.min(this.entries.length, this.head + max);
    const lines = this.entries.slice(this.head, end).map((entry) => entry.line);
    return { lines, throughSeq: this.headSeq + lines.length - 1 };
  }

  /**
   * Removes the batch's points (written or rejected). Points of it that were dropped
   * meanwhile are already gone; points pushed after it stay.
   */
  release(batch: Batch): void {
    const count = batch.throughSeq - this.headSeq + 1;
    if (count > 0) this.removeFront(Math.min(count, this.size));
  }

  /** Cursors that advanced since the last call, one per (cursor key, stream). */
  takeProgress(): PointOrigin[] {
    const taken = [...this.progress.values()];
    this.progress.clear();
    return taken;
  }

  private removeFront(count: number): void {
    for (let i = this.head; i < this.head + count; i++) {
      const origin = this.entries[i]?.origin;
      if (origin !== undefined) this.progress.set(`${origin.cursorKey}\n${origin.stream}`, origin);
    }
    this.head += count;
    this.headSeq += count;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
