/**
 * A fixed-capacity ring of the most recent changes, oldest first. Pushing into a full ring
 * evicts (and returns) the oldest entry so the owner can move its history floor.
 */
export class ChangeRing<T> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`ring capacity must be a positive integer`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(entry: T): T | undefined {
    if (this.length < this.capacity) {
      this.slots[(this.start + this.length++) % this.capacity] = entry;
      return undefined;
    }
    const evicted = this.slots[this.start];
    this.slots[this.start] = entry;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** Removes and returns the oldest entry (undefined when empty). */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const oldest = this.slots[this.start];
    this.slots[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.length--;
    return oldest;
  }

  /**
   * Entries from the first one for which `isNewer` holds, to the newest. `isNewer` must be
   * monotonic over the ring (false…false true…true): it is binary-searched.
   */
  *newerThan(isNewer: (entry: T) => boolean): Generator<T> {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const entry = this.slots[(this.start + mid) % this.capacity] as T;
      if (isNewer(entry)) high = mid;
      else low = mid + 1;
    }
    for (let i = low; i < this.length; i++) yield this.slots[(this.start + i) % this.capacity] as T;
  }
}
