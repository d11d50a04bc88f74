/**
 * Object keys by label key and value, so a list with an equality (`app=web`) or set
 * (`app in (a,b)`) label requirement visits only the objects that can match instead of
 * every object of the kind.
 */
import type { CachedObject } from "./cached-object.js";

export class LabelIndex {
  private readonly byLabel = new Map<string, Map<string, Set<string>>>();

  add(object: CachedObject): void {
    for (const [label, value] of Object.entries(object.view.metadata.labels ?? {})) {
      let values = this.byLabel.get(label);
      if (values === undefined) this.byLabel.set(label, (values = new Map<string, Set<string>>()));
      let keys = values.get(value);
      if (keys === undefined) values.set(value, (keys = new Set<string>()));
      keys.add(object.key);
    }
  }

  remove(object: CachedObject): void {
    for (const [label, value] of Object.entries(object.view.metadata.labels ?? {})) {
      const values = this.byLabel.get(label);
      const keys = values?.get(value);
      if (keys === undefined || values === undefined) continue;
      keys.delete(object.key);
      if (keys.size === 0) values.delete(value);
      if (values.size === 0) this.byLabel.delete(label);
    }
  }

  /** Keys of objects whose `label` is one of `values`. */
  keysWith(label: string, values: readonly string[]): string[] {
    const byValue = this.byLabel.get(label);
    if (byValue === undefined) return [];
    const keys: string[] = [];
    for (const value of values) for (const key of byValue.get(value) ?? []) keys.push(key);
    return keys;
  }

  /** How many objects `keysWith` would return, to pick the most selective requirement. */
  countWith(label: string, values: readonly string[]): number {
    const byValue = this.byLabel.get(label);
    let count = 0;
    for (const value of values) count += byValue?.get(value)?.size ?? 0;
    return count;
  }
}
