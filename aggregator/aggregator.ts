/**
 * The aggregator loop for one kind: loads the state (or rebuilds it from the verified
 * snapshot), then reads the `events` stream from its cursor and, per batch, applies the
 * merge rules and commits state + tombstones + cursor + change feed atomically.
 *
 * Failure handling: any store or read error ends the session, which starts over from what
 * Redis holds after a backoff. A commit conflict (Redis flushed or rolled back, or another
 * aggregator moved the cursor) reloads at once. A cursor older than the trimmed stream, or
 * a vanished state, rebuilds with a new epoch and a RESET on the change feed.
 */
import { randomBytes } from "node:crypto";
import { Backoff, sleep as defaultSleep, type Sleep } from "../core/backoff.js";
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import { apiVersionOf } from "../core/kinds.js";
import { splitKey } from "../core/object-key.js";
import type { VerificationEntry } from "../core/records.js";
import type { RawStreamEntry } from "../core/stream-entry.js";
import { STREAM_START } from "../core/stream-id.js";
import { parseEventEntry } from "./event-entries.js";
import type { EventBatch } from "./event-source.js";
import { MemoryIndex } from "./memory-index.js";
import { mergeEvent } from "./merge-event.js";
import type { StateOp } from "./merge-types.js";
import { mergeSnapshot, planSnapshotMerge, withBodies, type SnapshotMerge } from "./merge-snapshot.js";
import { observedFromJson } from "./observed-object.js";
import type { ResolvedOp, SnapshotInfo, StatePosition, StateStore } from "./state-store.js";

/** Rebuild reason on a first start (or after Redis lost `state-meta`). */
const NO_STORED_STATE = "no stored state";

/** While there is no verified snapshot to rebuild from, look for one this often. */
export const SNAPSHOT_POLL_MS = 1000;

export interface EventReader {
  read(cursor: string): Promise<EventBatch>;
}

export interface AggregatorLoopOptions {
  readonly kind: KindSpec;
  readonly store: StateStore;
  readonly events: EventReader;
  readonly logger: Logger;
  readonly backoff?: Backoff;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

/** Thrown inside a session to start over from what the store holds. */
class Restart extends Error {
  override readonly name = "Restart";
}

interface Session {
  index: MemoryIndex;
  position: StatePosition;
}

export class AggregatorLoop {
  private readonly backoff: Backoff;
  private readonly sleep: Sleep;
  private readonly now: () => number;

  constructor(private readonly options: AggregatorLoopOptions) {
    this.backoff = options.backoff ?? new Backoff();
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  /** Runs until `signal` aborts. Never throws. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.session(signal);
      } catch (error) {
        if (signal.aborted) break;
        if (error instanceof Restart) {
          this.options.logger.info({ reason: error.message }, "reloading state");
          continue;
        }
        const delayMs = this.backoff.nextDelayMs();
        this.options.logger.warn({ err: error, delayMs }, "aggregator session failed; retrying");
        await this.sleep(delayMs, signal);
      }
    }
  }

  private async session(signal: AbortSignal): Promise<void> {
    const { store, events } = this.options;
    const loaded = await store.load();
    const session = loaded ?? (await this.rebuild(signal, NO_STORED_STATE));
    if (session === undefined) return;
    this.options.logger.info(
      { epoch: session.position.epoch, cursor: session.position.eventsCursor, objects: session.index.size },
      "aggregating",
    );
    while (!signal.aborted) {
      const batch = await events.read(session.position.eventsCursor);
      if (signal.aborted) return;
      if (batch.gap) {
        const rebuilt = await this.rebuild(signal, "events stream trimmed past the cursor");
        if (rebuilt === undefined) return;
        Object.assign(session, rebuilt);
        continue;
      }
      if (batch.entries.length === 0) {
        if ((await store.epoch()) !== session.position.epoch)
          throw new Restart("state-meta changed or vanished");
        continue;
      }
      await this.applyBatch(session, batch.entries);
      this.backoff.reset();
    }
  }

  /** Applies entries in order; events are committed together, each snapshot on its own. */
  private async applyBatch(session: Session, entries: readonly RawStreamEntry[]): Promise<void> {
    let ops: StateOp[] = [];
    let lastId: string | undefined;
    let lastObservedAt: number | undefined;
    const flush = async (): Promise<void> => {
      if (lastId === undefined) return;
      await this.commit(session, ops, lastId, lastObservedAt);
      ops = [];
      lastId = undefined;
    };
    for (const raw of entries) {
      const entry = parseEventEntry(raw);
      if (entry.type === "SNAPSHOT") {
        await flush();
        await this.applySnapshotMarker(session, entry.id, entry.rv, entry.generation);
        continue;
      }
      lastId = entry.id;
      if (entry.type === "INVALID") {
        this.options.logger.warn({ id: entry.id, reason: entry.reason }, "skipping invalid events entry");
        continue;
      }
      const object = this.parseObject(entry.object);
      if (object === undefined) continue;
      const eventOps = mergeEvent(session.index, { type: entry.type, object, observedAt: entry.observedAt });
      session.index.apply(eventOps);
      ops.push(...eventOps);
      lastObservedAt = entry.observedAt;
    }
    await flush();
  }

  private async applySnapshotMarker(
    session: Session,
    id: string,
    rv: bigint,
    generation: string,
  ): Promise<void> {
    const { index } = session;
    const older = index.verifiedRv !== undefined && rv < index.verifiedRv;
    const found = older ? undefined : await this.mergeStoredSnapshot(index, generation);
    if (found === undefined) {
      // Superseded (a newer snapshot's marker follows) or gone: just move past the marker.
      await this.commit(session, [], id, undefined);
      return;
    }
    const { snapshot, merged } = found;
    index.apply(merged.ops);
    index.markVerified(snapshot.rv);
    const verification = this.verification(snapshot, merged.drift);
    if (merged.drift.missing + merged.drift.extra + merged.drift.stale > 0) {
      this.options.logger.info({ rv: String(snapshot.rv), ...merged.drift }, "snapshot revealed drift");
    }
    await this.commit(session, merged.ops, id, undefined, {
      verifiedResourceVersion: String(snapshot.rv),
      verifiedAt: snapshot.finishedAt,
      verification,
    });
  }

  /**
   * Merges the stored snapshot of `generation` into `view` (without applying it); undefined
   * when the store holds another generation or none. Decides from the snapshot's compact
   * index and reads only the bodies of objects to add or replace, so an unchanged snapshot
   * costs no object transfer or parse; falls back to reading it in full when it has no index.
   */
  private async mergeStoredSnapshot(
    view: MemoryIndex,
    generation: string,
  ): Promise<{ snapshot: SnapshotInfo; merged: SnapshotMerge } | undefined> {
    const { store } = this.options;
    const indexed = await store.snapshotIndex();
    if (indexed !== undefined) {
      if (indexed.generation !== generation) return undefined;
      const plan = planSnapshotMerge(view, indexed);
      const bodies = await store.snapshotObjects(generation, plan.bodiesNeeded);
      if (bodies === undefined) return undefined;
      const merged = withBodies(plan, (key) => bodies.get(key));
      if (merged !== undefined) return { snapshot: indexed, merged };
      this.options.logger.warn(
        { generation },
        "snapshot index lists objects the snapshot lacks; reading it in full",
      );
    }
    const snapshot = await store.snapshot();
    if (snapshot === undefined || snapshot.generation !== generation) return undefined;
    return { snapshot, merged: mergeSnapshot(view, snapshot) };
  }

  private async commit(
    session: Session,
    ops: readonly StateOp[],
    cursor: string,
    lastObservedAt: number | undefined,
    verified?: { verifiedResourceVersion: string; verifiedAt: string; verification: VerificationEntry },
  ): Promise<void> {
    const resolved = await this.resolve(ops);
    const position: StatePosition = {
      ...session.position,
      eventsCursor: cursor,
      ...(lastObservedAt !== undefined ? { lastEventObservedAt: String(lastObservedAt) } : {}),
      ...(verified !== undefined
        ? { verifiedResourceVersion: verified.verifiedResourceVersion, verifiedAt: verified.verifiedAt }
        : {}),
    };
    const result = await this.options.store.commit({
      expected: { epoch: session.position.epoch, eventsCursor: session.position.eventsCursor },
      ops: resolved,
      position,
      resourceVersion: String(session.index.highestRv),
      ...(verified !== undefined ? { verification: verified.verification } : {}),
    });
    if (result === "conflict") throw new Restart("state-meta is not where this aggregator left it");
    session.position = position;
  }

  /**
   * Rebuilds the state from the verified snapshot under a new epoch, then replays the
   * whole retained stream (the merge rules ignore what the snapshot already covers).
   * Returns undefined when stopped while waiting for a snapshot.
   */
  private async rebuild(signal: AbortSignal, reason: string): Promise<Session | undefined> {
    // A first start has no state to lose; any other rebuild means the state was lost (flush, trim).
    const level = reason === NO_STORED_STATE ? "info" : "warn";
    this.options.logger[level]({ reason }, "rebuilding state from the verified snapshot");
    let snapshot = await this.options.store.snapshot();
    while (snapshot === undefined) {
      if (signal.aborted) return undefined;
      await this.sleep(SNAPSHOT_POLL_MS, signal);
      snapshot = await this.options.store.snapshot();
    }
    const index = new MemoryIndex();
    const merged = mergeSnapshot(index, snapshot);
    index.apply(merged.ops);
    index.markVerified(snapshot.rv);
    const position: StatePosition = {
      epoch: `${this.now()}-${randomBytes(4).toString("hex")}`,
      eventsCursor: STREAM_START,
      verifiedResourceVersion: String(snapshot.rv),
      verifiedAt: snapshot.finishedAt,
    };
    // No verification entry: a rebuilt state starts empty, so its "drift" would only count
    // the snapshot's objects and mislead the drift metric.
    await this.options.store.reset({
      ops: await this.resolve(merged.ops),
      position,
      resourceVersion: String(index.highestRv),
    });
    this.options.logger.info(
      { epoch: position.epoch, objects: index.size, rv: String(snapshot.rv) },
      "state rebuilt",
    );
    return { index, position };
  }

  /** Fills in the last known object of removals the merge had no JSON for. */
  private async resolve(ops: readonly StateOp[]): Promise<ResolvedOp[]> {
    const putSoFar = new Set<string>();
    const lookup = new Set<string>();
    for (const op of ops) {
      if (op.op === "put") putSoFar.add(op.key);
      if (op.op === "remove" && op.json === undefined && !putSoFar.has(op.key)) lookup.add(op.key);
    }
    const keys = [...lookup];
    const stored = new Map<string, string | undefined>();
    const values = await this.options.store.objects(keys);
    keys.forEach((key, i) => stored.set(key, values[i]));
    const latest = new Map<string, string>();
    return ops.map((op): ResolvedOp => {
      if (op.op === "put") latest.set(op.key, op.json);
      if (op.op !== "remove") return op;
      const json =
        op.json ?? latest.get(op.key) ?? stored.get(op.key) ?? this.placeholder(op.key, op.uid, op.rv);
      return { ...op, json };
    });
  }

  /** A minimal object for a DELETED change whose last state is unknown. */
  private placeholder(key: string, uid: string, rv: bigint): string {
    const { namespace, name } = splitKey(key);
    const { kind } = this.options;
    return JSON.stringify({
      apiVersion: apiVersionOf(kind),
      kind: kind.kind,
      metadata: { name, ...(namespace !== "" ? { namespace } : {}), uid, resourceVersion: String(rv) },
    });
  }

  private verification(
    snapshot: SnapshotInfo,
    drift: { missing: number; extra: number; stale: number },
  ): VerificationEntry {
    return {
      rv: String(snapshot.rv),
      generation: snapshot.generation,
      finishedAt: snapshot.finishedAt,
      durationMs: snapshot.durationMs,
      count: snapshot.count,
      missing: String(drift.missing),
      extra: String(drift.extra),
      stale: String(drift.stale),
    };
  }

  private parseObject(json: string): ReturnType<typeof observedFromJson> {
    try {
      const observed = observedFromJson(json);
      if (observed === undefined)
        this.options.logger.warn("skipping event object without uid or comparable resourceVersion");
      return observed;
    } catch (error) {
      this.options.logger.warn({ err: error }, "skipping unparsable event object");
      return undefined;
    }
  }
}
