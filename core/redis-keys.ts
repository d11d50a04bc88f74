import type { KindSpec } from "./kinds.js";

/**
 * The one Redis key layout. Every key of a kind carries the hash tag `{<kind id>}` so all
 * of a kind's keys live in one Redis Cluster slot and MULTI/Lua over them is legal.
 *
 * | key                         | type   | written by           | content |
 * |-----------------------------|--------|----------------------|---------|
 * | events                      | stream | streamer, verifier   | the kind's input log, capped (MAXLEN ~). Entry fields: see `EventEntry` |
 * | verified                    | hash   | verifier / streamer  | objectKey -> object JSON of the last full LIST, swapped in by RENAME |
 * | verified-meta               | hash   | verifier / streamer  | `SnapshotMeta` of `verified` |
 * | verified-staging:<token>    | hash   | verifier / streamer  | a snapshot being written; renamed onto `verified` when complete |
 * | verified-index              | hash   | verifier / streamer  | objectKey -> `<resourceVersion> <uid>` of each `verified` object (core/snapshot-index.ts), swapped in with it |
 * | verified-index-staging:<token> | hash | verifier / streamer | the index of a snapshot being written (TTL); renamed onto `verified-index` with it |
 * | state                       | hash   | aggregator           | objectKey -> object JSON: the served state |
 * | tombstones                  | hash   | aggregator           | objectKey -> `Tombstone` JSON |
 * | state-meta                  | hash   | aggregator           | `StateMeta` |
 * | state-staging:<token>       | hash   | aggregator           | a rebuilt state being written in pages (TTL); renamed onto `state` |
 * | tombstones-staging:<token>  | hash   | aggregator           | the rebuilt state's tombstones (TTL); renamed onto `tombstones` |
 * | commit-staging:<token>      | list   | aggregator           | the ops of a large commit, in pages (TTL); applied and deleted by the commit script |
 * | changes                     | stream | aggregator           | the change feed API replicas follow. Entry fields: see `ChangeEntry` |
 * | verifications               | stream | aggregator           | one `VerificationEntry` per merged snapshot (drift), capped |
 * | watch                       | hash   | streamer             | `WatchHealth` |
 */
export interface KindKeys {
  readonly events: string;
  readonly verified: string;
  readonly verifiedMeta: string;
  /** Compact index of `verified`, so a merge needn't read or parse unchanged objects. */
  readonly verifiedIndex: string;
  readonly state: string;
  readonly tombstones: string;
  readonly stateMeta: string;
  readonly changes: string;
  readonly verifications: string;
  readonly watch: string;
  /** A fresh staging key for a snapshot being written. */
  verifiedStaging(token: string): string;
  /** The staging key of that snapshot's index (same token). */
  verifiedIndexStaging(token: string): string;
  /** Staging hashes of a state rebuild (state and tombstones), swapped in by one script. */
  stateStaging(token: string): string;
  tombstonesStaging(token: string): string;
  /** Staging list of a commit too large for one script call's arguments. */
  commitStaging(token: string): string;
}

export const KEY_PREFIX = "krm";

export function kindKeys(kind: Pick<KindSpec, "id">, prefix = KEY_PREFIX): KindKeys {
  const base = `${prefix}:{${kind.id}}`;
  return {
    events: `${base}:events`,
    verified: `${base}:verified`,
    verifiedMeta: `${base}:verified-meta`,
    verifiedIndex: `${base}:verified-index`,
    state: `${base}:state`,
    tombstones: `${base}:tombstones`,
    stateMeta: `${base}:state-meta`,
    changes: `${base}:changes`,
    verifications: `${base}:verifications`,
    watch: `${base}:watch`,
    verifiedStaging: (token: string) => `${base}:verified-staging:${token}`,
    verifiedIndexStaging: (token: string) => `${base}:verified-index-staging:${token}`,
    stateStaging: (token: string) => `${base}:state-staging:${token}`,
    tombstonesStaging: (token: string) => `${base}:tombstones-staging:${token}`,
    commitStaging: (token: string) => `${base}:commit-staging:${token}`,
  };
}

/**
 * The usage ledger's keys (usage/ledger/), all under the hash tag `{usage}` so its script
 * may touch them together in Redis Cluster.
 *
 * | key                  | type | written by | content |
 * |----------------------|------|------------|---------|
 * | ledger-objects:<kind id> | hash | ledger | object uid -> `{v: rv, o: open, c: credited until ms, r: rates, g: groups, k}` JSON |
 * | ledger-cursors       | hash | ledger     | `<kind id>` -> last applied `changes` stream id; `<kind id>:epoch` -> that feed's epoch |
 * | hour:<hour start ms> | hash | ledger     | `<resource>\t<group>` -> resource-seconds reserved in that hour (expires after the retention) |
 */
export interface LedgerKeys {
  /** Per-object records of one kind (pods, persistentvolumeclaims). */
  objects(kindId: string): string;
  readonly cursors: string;
  /** Prefix of the hour buckets: the key of the hour starting at `h` ms is `${hourPrefix}${h}`. */
  readonly hourPrefix: string;
}

export function ledgerKeys(prefix = KEY_PREFIX): LedgerKeys {
  const base = `${prefix}:{usage}`;
  return {
    objects: (kindId: string) => `${base}:ledger-objects:${kindId}`,
    cursors: `${base}:ledger-cursors`,
    hourPrefix: `${base}:hour:`,
  };
}
