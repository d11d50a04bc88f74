/**
 * A sorted array of object keys with binary-search insert and delete. Lists walk it in
 * order, and a continue token resumes after a key in O(log n). Inserts and deletes cost a
 * memmove, which for the object counts krm holds (up to ~10^5 per kind) is microseconds.
 */
export class SortedKeys {
  private keys: string[] = [];

  /** Replaces the content with `keys`, which the caller passes already sorted and unique. */
  static fromSorted(keys: string[]): SortedKeys {
    const sorted = new SortedKeys();
    sorted.keys = keys;
    return sorted;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Index of the first key strictly greater than `key` ("" gives 0). */
  indexAfter(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.keys[mid] ?? "") <= key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  insert(key: string): void {
    const at = this.lowerBound(key);
    if (this.keys[at] !== key) this.keys.splice(at, 0, key);
  }

  delete(key: string): void {
    const at = this.lowerBound(key);
    if (this.keys[at] === key) this.keys.splice(at, 1);
  }

  at(index: number): string | undefined {
    return this.keys[index];
  }

  private lowerBound(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.keys[mid] ?? "") < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
