/**
 * `StateStore` in memory, with the same contract as `RedisStateStore` (atomic commits
 * guarded by epoch and cursor, reset with a RESET on the change feed). For unit tests of
 * the aggregator loop and for embedding without Redis.
 */
import { parseResourceVersion } from "../core/resource-version.js";
import type { ChangeEntry, VerificationEntry } from "../core/records.js";
import { MemoryIndex } from "./memory-index.js";
import type { IndexEntry } from "./merge-types.js";
import { observedFromJson } from "./observed-object.js";
import type {
  CommitRequest,
  LoadedState,
  ResetRequest,
  ResolvedOp,
  StatePosition,
  StateStore,
  StoredSnapshot,
  StoredSnapshotIndex,
} from "./state-store.js";

export class MemoryStateStore implements StateStore {
  readonly state = new Map<string, string>();
  readonly tombstones = new Map<string, { uid: string; rv: bigint; deletedAt: number }>();
  readonly changes: ChangeEntry[] = [];
  readonly verifications: VerificationEntry[] = [];
  position: (StatePosition & { resourceVersion: string }) | undefined;
  /** The verified snapshot, set by the test as the verifier would. */
  verified: StoredSnapshot | undefined;
  /** False to act like a snapshot written without an index (read in full). */
  verifiedIndexed = true;
  /** Keys whose snapshot bodies were read through `snapshotObjects`, in order. */
  readonly snapshotBodiesRead: string[] = [];

  load(): Promise<LoadedState | undefined> {
    const position = this.position;
    if (position === undefined) return Promise.resolve(undefined);
    const index = new MemoryIndex();
    for (const [key, json] of this.state) {
      const observed = observedFromJson(json, key);
      if (observed !== undefined) index.apply([{ op: "put", ...observed, change: "ADDED" }]);
    }
    for (const [key, tombstone] of this.tombstones) index.apply([{ op: "tombstone", key, tombstone }]);
    if (position.verifiedResourceVersion !== undefined)
      index.markVerified(parseResourceVersion(position.verifiedResourceVersion));
    return Promise.resolve({ index, position });
  }

  epoch(): Promise<string | undefined> {
    return Promise.resolve(this.position?.epoch);
  }

  objects(keys: readonly string[]): Promise<(string | undefined)[]> {
    return Promise.resolve(keys.map((key) => this.state.get(key)));
  }

  commit(request: CommitRequest): Promise<"ok" | "conflict"> {
    if (
      this.position?.epoch !== request.expected.epoch ||
      this.position.eventsCursor !== request.expected.eventsCursor
    ) {
      return Promise.resolve("conflict");
    }
    this.write(request.ops, request.position.epoch, true);
    this.position = { ...request.position, resourceVersion: request.resourceVersion };
    if (request.verification !== undefined) this.verifications.push(request.verification);
    return Promise.resolve("ok");
  }

  reset(request: ResetRequest): Promise<void> {
    this.state.clear();
    this.tombstones.clear();
    this.changes.push({ type: "RESET", epoch: request.position.epoch });
    this.write(request.ops, request.position.epoch, false);
    this.position = { ...request.position, resourceVersion: request.resourceVersion };
    if (request.verification !== undefined) this.verifications.push(request.verification);
    return Promise.resolve();
  }

  snapshot(): Promise<StoredSnapshot | undefined> {
    return Promise.resolve(this.verified);
  }

  snapshotIndex(): Promise<StoredSnapshotIndex | undefined> {
    const verified = this.verified;
    if (verified === undefined || !this.verifiedIndexed) return Promise.resolve(undefined);
    const objects = new Map<string, IndexEntry>();
    for (const [key, object] of verified.objects) objects.set(key, { uid: object.uid, rv: object.rv });
    return Promise.resolve({ ...verified, objects });
  }

  snapshotObjects(generation: string, keys: readonly string[]): Promise<Map<string, string> | undefined> {
    const verified = this.verified;
    if (verified?.generation !== generation) return Promise.resolve(undefined);
    const bodies = new Map<string, string>();
    for (const key of keys) {
      this.snapshotBodiesRead.push(key);
      const json = verified.objects.get(key)?.json;
      if (json !== undefined) bodies.set(key, json);
    }
    return Promise.resolve(bodies);
  }

  /** Forgets everything, as FLUSHALL would (the verified snapshot too). */
  flush(): void {
    this.state.clear();
    this.tombstones.clear();
    this.position = undefined;
    this.verified = undefined;
  }

  private write(ops: readonly ResolvedOp[], epoch: string, feed: boolean): void {
    for (const op of ops) {
      switch (op.op) {
        case "put":
          this.state.set(op.key, op.json);
          if (feed)
            this.changes.push({ type: op.change, key: op.key, rv: String(op.rv), object: op.json, epoch });
          break;
        case "remove":
          this.state.delete(op.key);
          if (feed)
            this.changes.push({ type: "DELETED", key: op.key, rv: String(op.rv), object: op.json, epoch });
          break;
        case "tombstone":
          this.tombstones.set(op.key, op.tombstone);
          break;
        case "clearTombstone":
          this.tombstones.delete(op.key);
          break;
      }
    }
  }
}
