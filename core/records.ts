/**
 * What krm writes to Redis, field by field. Redis streams and hashes hold strings, so
 * every numeric field is a decimal string; timestamps are Unix milliseconds.
 */

/** Watch event types krm stores. BOOKMARKs only advance the resume point and are not stored. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/**
 * One entry of the `events` stream. Either a watch event, or a `SNAPSHOT` marker that tells
 * the aggregator a new verified snapshot was swapped in (so events and snapshots reach the
 * aggregator in one order).
 */
export type EventEntry =
  | {
      readonly type: WatchEventType;
      /** resourceVersion of the object in the event. */
      readonly rv: string;
      /** When the streamer received the event (ms). */
      readonly observed: string;
      /** The object JSON exactly as the API server sent it. */
      readonly object: string;
    }
  | {
      readonly type: "SNAPSHOT";
      /** resourceVersion of the LIST the snapshot holds. */
      readonly rv: string;
      /** `SnapshotMeta.generation` of the swapped-in snapshot. */
      readonly generation: string;
      readonly observed: string;
    };

/** `verified-meta`. */
export interface SnapshotMeta {
  readonly resourceVersion: string;
  /** Increases by one on each swap; lets the aggregator tell snapshots apart. */
  readonly generation: string;
  readonly finishedAt: string;
  readonly count: string;
  readonly durationMs: string;
  /** "verifier" or "streamer" (the streamer's initial list and relists after 410 are snapshots too). */
  readonly source: string;
  /**
   * The generation whose `verified-index` was swapped in with it. The index is valid only
   * while this equals `generation`; otherwise (absent: written before the index existed)
   * readers fall back to reading `verified` itself.
   */
  readonly indexGeneration?: string;
}

/** `tombstones` value: a deletion the state has seen, kept so an older snapshot cannot resurrect it. */
export interface Tombstone {
  readonly uid: string;
  readonly rv: string;
  /** When it was deleted (ms), for pruning and metrics. */
  readonly deletedAt: number;
}

/** `state-meta`. */
export interface StateMeta {
  /** Highest resourceVersion applied to the state (events or snapshot). */
  readonly resourceVersion: string;
  /** Last `events` stream id the aggregator has applied; written atomically with the state. */
  readonly eventsCursor: string;
  /** resourceVersion and finish time (ms) of the last merged snapshot; absent until the first. */
  readonly verifiedResourceVersion?: string;
  readonly verifiedAt?: string;
  /** `observed` of the last applied watch event (ms). */
  readonly lastEventObservedAt?: string;
  /** Changes whenever the state is rebuilt from scratch; replicas reload when it changes. */
  readonly epoch: string;
  readonly objectCount: string;
}

/**
 * One entry of the `changes` stream. `RESET` tells replicas to reload the whole state
 * (the aggregator rebuilt it, e.g. after Redis was flushed).
 */
export type ChangeEntry =
  | {
      readonly type: WatchEventType;
      readonly key: string;
      readonly rv: string;
      /** For DELETED: the last known object. */
      readonly object: string;
      readonly epoch: string;
    }
  | { readonly type: "RESET"; readonly epoch: string };

/** One entry of the `verifications` stream: the drift a snapshot revealed. */
export interface VerificationEntry {
  readonly rv: string;
  readonly generation: string;
  readonly finishedAt: string;
  readonly durationMs: string;
  readonly count: string;
  /** Objects in the snapshot the state lacked (missed ADDED). */
  readonly missing: string;
  /** Objects in the state the snapshot proved deleted (missed DELETED). */
  readonly extra: string;
  /** Objects the state held at an older resourceVersion than the snapshot (missed MODIFIED). */
  readonly stale: string;
}

/** `watch` hash, written by the streamer. */
export interface WatchHealth {
  readonly connected: "0" | "1";
  readonly reconnects: string;
  readonly gones: string;
  readonly lastEventAt?: string;
  readonly lastBookmarkAt?: string;
  readonly resourceVersion?: string;
}
