/**
 * The in-memory replica of one kind's served state: objects by key, a sorted key index
 * (global and per namespace) for cheap ordered and paginated lists, and a ring of recent
 * changes that serves watch resumes and consistent continue pages. Pure logic: the Redis
 * feed (`redis-feed.ts`) calls `load`, `apply` and `updateMeta`; tests drive it directly.
 *
 * Single-threaded by construction (Node): a reader that runs synchronously sees one
 * consistent state, and a watch subscribed in the same tick as its initial list misses nothing.
 */
import { decodeStateMeta } from "../../core/record-codecs.js";
import type { ChangeEntry, WatchEventType } from "../../core/records.js";
import { BadObjectError, cacheObject, type CachedObject } from "./cached-object.js";
import { ChangeRing } from "./change-ring.js";
import { LabelIndex } from "./label-index.js";
import { SortedKeys } from "./sorted-keys.js";
import { maxResourceVersion, resourceVersionOrZero } from "../../core/resource-version.js";
import { compareStreamIds, STREAM_START, type StreamId } from "../../core/stream-id.js";

/** Changes kept for watch resumes and continue pages; older positions answer 410. */
export const DEFAULT_RING_CAPACITY = 20_000;
/**
 * Bytes of superseded objects the ring may keep alive (each change holds the version it
 * replaced): the oldest changes are dropped beyond it. At ~4.7 KB per pod that is ~3,500
 * changes, ~17 s of history at 200 writes/s; unbounded, 20,000 changes held ~94 MB.
 */
export const DEFAULT_RING_MAX_BYTES = 16 * 1024 * 1024;

/** The parts of `state-meta` a replica serves, parsed. */
export interface ReplicaMeta {
  readonly epoch: string;
  readonly verifiedResourceVersion?: string;
  /** ms */
  readonly verifiedAt?: number;
  /** ms */
  readonly lastEventObservedAt?: number;
}

/** One consistent read of Redis: `state`, `state-meta` and the id of the last `changes` entry. */
export interface StateSnapshot {
  /** Objects' JSON by key; as Buffers from Redis so a load does not grow the V8 heap by the whole state. */
  readonly state: Readonly<Record<string, string | Buffer>>;
  readonly meta: Readonly<Record<string, string>>;
  readonly position: StreamId;
}

/** One `changes` entry with its stream id. */
export type FeedChange = ChangeEntry & { readonly id: StreamId };

/** A change as the replica applied it. */
export interface ReplicaEvent {
  readonly id: StreamId;
  readonly type: WatchEventType;
  readonly key: string;
  /** What a watch event carries: the new object, or for DELETED the last known one. */
  readonly object: CachedObject;
  /** The key's object before this change (undefined: absent), to reconstruct older states. */
  readonly previous: CachedObject | undefined;
  /** The replica's resourceVersion once this change applied. */
  readonly resourceVersion: bigint;
}

export interface ReplicaListener {
  onEvent(event: ReplicaEvent): void;
  /** The state was reloaded; history before it is gone. Watchers end so clients relist. */
  onReset(): void;
}

export interface KindReplicaOptions {
  readonly ringCapacity?: number;
  /** See DEFAULT_RING_MAX_BYTES. */
  readonly ringMaxBytes?: number;
  /**
   * Dotted paths besides metadata that selectors may read (the kind's `fieldSelectors`):
   * kept in each object's `view`, which is all of an object the replica holds parsed.
   */
  readonly viewFields?: readonly string[];
  /** Called for an object that cannot be parsed; it is left out of the replica. */
  readonly onBadObject?: (key: string, error: unknown) => void;
  readonly now?: () => number;
}

export type ApplyResult = "applied" | "reload";

export class KindReplica {
  private objects = new Map<string, CachedObject>();
  private allKeys = new SortedKeys();
  private byNamespace = new Map<string, SortedKeys>();
  private labels = new LabelIndex();
  private ring: ChangeRing<ReplicaEvent>;
  /** Sum of the `previous` objects' bytes over the ring: what only the ring keeps alive. */
  private ringBytes = 0;
  private readonly listeners = new Set<ReplicaListener>();
  /** Called after every applied change or load; see `waitUntil`. */
  private readonly progressListeners = new Set<() => void>();
  private currentMeta: ReplicaMeta | undefined;
  private currentPosition: StreamId = STREAM_START;
  private rv = 0n;
  /** Position and resourceVersion before the oldest change the ring still holds. */
  private floor: { position: StreamId; resourceVersion: bigint } = {
    position: STREAM_START,
    resourceVersion: 0n,
  };
  private loadedAt: number | undefined;
  /** Bumped by every load, and per namespace / overall by every change: keys for response caches. */
  private generation = 0;
  private allVersion = 0;
  private namespaceVersions = new Map<string, number>();

  constructor(private readonly options: KindReplicaOptions = {}) {
    this.ring = new ChangeRing(options.ringCapacity ?? DEFAULT_RING_CAPACITY);
  }

  /** True once a state has been loaded (possibly empty). */
  get loaded(): boolean {
    return this.currentMeta !== undefined;
  }
  get meta(): ReplicaMeta | undefined {
    return this.currentMeta;
  }
  get position(): StreamId {
    return this.currentPosition;
  }
  get resourceVersion(): bigint {
    return this.rv;
  }
  get size(): number {
    return this.objects.size;
  }
  get lastLoadedAt(): number | undefined {
    return this.loadedAt;
  }

  load(snapshot: StateSnapshot): void {
    const objects = new Map<string, CachedObject>();
    let highest = resourceVersionOrZero(decodeStateMeta(snapshot.meta)?.resourceVersion);
    for (const [key, json] of Object.entries(snapshot.state)) {
      const cached = this.parse(key, json);
      if (cached === undefined) continue;
      objects.set(key, cached);
      highest = maxResourceVersion(highest, resourceVersionOrZero(cached.resourceVersion));
    }
    const keys = [...objects.keys()].sort();
    const perNamespace = new Map<string, string[]>();
    for (const key of keys) {
      const namespace = objects.get(key)?.namespace ?? "";
      let list = perNamespace.get(namespace);
      if (list === undefined) perNamespace.set(namespace, (list = []));
      list.push(key);
    }
    this.objects = objects;
    this.labels = new LabelIndex();
    for (const object of objects.values()) this.labels.add(object);
    this.allKeys = SortedKeys.fromSorted(keys);
    this.byNamespace = new Map([...perNamespace].map(([ns, list]) => [ns, SortedKeys.fromSorted(list)]));
    this.ring = new ChangeRing(this.options.ringCapacity ?? DEFAULT_RING_CAPACITY);
    this.ringBytes = 0;
    this.currentPosition = snapshot.position;
    this.rv = highest;
    this.floor = { position: snapshot.position, resourceVersion: highest };
    this.currentMeta = metaFrom(snapshot.meta);
    this.loadedAt = (this.options.now ?? Date.now)();
    this.generation++;
    this.allVersion = 0;
    this.namespaceVersions = new Map();
    for (const listener of [...this.listeners]) listener.onReset();
    for (const progress of [...this.progressListeners]) progress();
  }

  /** Applies one change in feed order; "reload" when the replica must reload instead (RESET, other epoch). */
  apply(change: FeedChange): ApplyResult {
    const result = this.applyChange(change);
    if (result === "applied") for (const progress of [...this.progressListeners]) progress();
    return result;
  }

  private applyChange(change: FeedChange): ApplyResult {
    const meta = this.currentMeta;
    if (meta === undefined || change.type === "RESET" || change.epoch !== meta.epoch) return "reload";
    if (compareStreamIds(change.id, this.currentPosition) <= 0) return "applied";
    this.currentPosition = change.id;
    const incoming = this.parse(change.key, change.object);
    const previous = this.objects.get(change.key);
    if (change.type === "DELETED") {
      if (previous !== undefined) this.remove(previous);
    } else if (incoming !== undefined) {
      this.put(incoming, previous);
    } else {
      return "applied";
    }
    this.rv = maxResourceVersion(this.rv, resourceVersionOrZero(change.rv));
    const object = incoming ?? previous;
    if (object === undefined) return "applied";
    const event: ReplicaEvent = {
      id: change.id,
      type: change.type,
      key: change.key,
      object,
      previous,
      resourceVersion: this.rv,
    };
    this.ringBytes += event.previous?.bytes.length ?? 0;
    const evicted = this.ring.push(event);
    if (evicted !== undefined) this.dropped(evicted);
    const maxBytes = this.options.ringMaxBytes ?? DEFAULT_RING_MAX_BYTES;
    // The newest change always stays, so a watch can resume from the current position.
    while (this.ringBytes > maxBytes && this.ring.size > 1) {
      const oldest = this.ring.shift();
      if (oldest !== undefined) this.dropped(oldest);
    }
    for (const listener of this.listeners) listener.onEvent(event);
    return "applied";
  }

  /** Takes the freshness fields of a newer `state-meta`; "reload" when its epoch differs. */
  updateMeta(raw: Readonly<Record<string, string>>): ApplyResult {
    const next = metaFrom(raw);
    if (this.currentMeta === undefined || next.epoch !== this.currentMeta.epoch) return "reload";
    this.currentMeta = next;
    return "applied";
  }

  /**
   * Changes whenever the objects of `namespace` (all objects when undefined) may have
   * changed, so a response built from them can be reused while it stays the same.
   */
  contentVersion(namespace: string | undefined): string {
    const version = namespace === undefined ? this.allVersion : (this.namespaceVersions.get(namespace) ?? 0);
    return `${this.generation}:${version}`;
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /**
   * The objects as they were at feed position `position`, in key order, after `afterKey`,
   * optionally in one namespace. `undefined` when `position` is older than the ring holds
   * (the caller answers 410) or newer than this replica has reached.
   */
  objectsAt(
    position: StreamId,
    namespace: string | undefined,
    afterKey: string,
  ): Iterable<CachedObject> | undefined {
    const order = compareStreamIds(position, this.currentPosition);
    if (order > 0 || compareStreamIds(position, this.floor.position) < 0) return undefined;
    const keys = namespace === undefined ? this.allKeys : this.byNamespace.get(namespace);
    if (order === 0) return this.currentFrom(keys, afterKey);
    // Undo the changes after `position`: the first change of each key holds its state then.
    const then = new Map<string, CachedObject | undefined>();
    for (const event of this.ring.newerThan((e) => compareStreamIds(e.id, position) > 0)) {
      if (then.has(event.key)) continue;
      const ns = event.object.namespace;
      if (namespace !== undefined && ns !== namespace) continue;
      if (event.key <= afterKey) continue;
      then.set(event.key, event.previous);
    }
    return this.mergedFrom(keys, afterKey, then);
  }

  /**
   * The current objects whose `label` has one of `values`, in key order, after `afterKey`,
   * optionally in one namespace: the candidates of a list with that label requirement.
   */
  currentWithLabel(
    label: string,
    values: readonly string[],
    namespace: string | undefined,
    afterKey: string,
  ): CachedObject[] {
    const keys = this.labels.keysWith(label, values).filter((k) => k > afterKey);
    keys.sort();
    const objects: CachedObject[] = [];
    for (const key of keys) {
      const object = this.objects.get(key);
      if (object !== undefined && (namespace === undefined || object.namespace === namespace))
        objects.push(object);
    }
    return objects;
  }

  /** How many current objects have `label` set to one of `values`. */
  countWithLabel(label: string, values: readonly string[]): number {
    return this.labels.countWith(label, values);
  }

  /** Keys after `afterKey` in the current state, for counting what remains of a list. */
  remainingAfter(namespace: string | undefined, afterKey: string): number {
    const keys = namespace === undefined ? this.allKeys : this.byNamespace.get(namespace);
    if (keys === undefined) return 0;
    return keys.size - keys.indexAfter(afterKey);
  }

  /** Changes after resourceVersion `rv`, or "gone" when the ring no longer reaches back that far. */
  eventsAfter(rv: bigint): readonly ReplicaEvent[] | "gone" {
    if (rv < this.floor.resourceVersion) return "gone";
    return [...this.ring.newerThan((e) => e.resourceVersion > rv)];
  }

  /**
   * Resolves true as soon as `reached()` holds (checked now and after every change or
   * reload), or false after `timeoutMs`. For requests that name a state this replica has
   * not applied yet (another replica served the previous page), as the API server waits
   * up to 3 s for a resourceVersion its cache has not reached.
   */
  waitUntil(reached: () => boolean, timeoutMs: number): Promise<boolean> {
    if (reached()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (result: boolean): void => {
        clearTimeout(timer);
        this.progressListeners.delete(check);
        resolve(result);
      };
      const check = (): void => {
        if (reached()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.progressListeners.add(check);
    });
  }

  subscribe(listener: ReplicaListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get watcherCount(): number {
    return this.listeners.size;
  }

  private *currentFrom(keys: SortedKeys | undefined, afterKey: string): Generator<CachedObject> {
    if (keys === undefined) return;
    for (let i = keys.indexAfter(afterKey); i < keys.size; i++) {
      const object = this.objects.get(keys.at(i) ?? "");
      if (object !== undefined) yield object;
    }
  }

  private *mergedFrom(
    keys: SortedKeys | undefined,
    afterKey: string,
    then: Map<string, CachedObject | undefined>,
  ): Generator<CachedObject> {
    const extra = [...then.keys()].filter((k) => !this.objects.has(k)).sort();
    let e = 0;
    for (const current of this.currentFrom(keys, afterKey)) {
      while (e < extra.length && (extra[e] ?? "") < current.key) {
        const old = then.get(extra[e++] ?? "");
        if (old !== undefined) yield old;
      }
      if (then.has(current.key)) {
        const old = then.get(current.key);
        if (old !== undefined) yield old;
      } else {
        yield current;
      }
    }
    while (e < extra.length) {
      const old = then.get(extra[e++] ?? "");
      if (old !== undefined) yield old;
    }
  }

  /** A change left the ring: history now starts after it. */
  private dropped(event: ReplicaEvent): void {
    this.ringBytes -= event.previous?.bytes.length ?? 0;
    this.floor = { position: event.id, resourceVersion: event.resourceVersion };
  }

  private touch(namespace: string): void {
    this.allVersion++;
    this.namespaceVersions.set(namespace, (this.namespaceVersions.get(namespace) ?? 0) + 1);
  }

  private put(object: CachedObject, previous: CachedObject | undefined): void {
    this.touch(object.namespace);
    this.objects.set(object.key, object);
    if (previous !== undefined) this.labels.remove(previous);
    this.labels.add(object);
    if (previous !== undefined) return;
    this.allKeys.insert(object.key);
    let keys = this.byNamespace.get(object.namespace);
    if (keys === undefined) this.byNamespace.set(object.namespace, (keys = new SortedKeys()));
    keys.insert(object.key);
  }

  private remove(object: CachedObject): void {
    this.touch(object.namespace);
    this.objects.delete(object.key);
    this.labels.remove(object);
    this.allKeys.delete(object.key);
    const keys = this.byNamespace.get(object.namespace);
    keys?.delete(object.key);
    if (keys?.size === 0) this.byNamespace.delete(object.namespace);
  }

  private parse(key: string, json: string | Buffer): CachedObject | undefined {
    try {
      return cacheObject(key, json, this.options.viewFields);
    } catch (error) {
      if (!(error instanceof BadObjectError)) throw error;
      this.options.onBadObject?.(key, error);
      return undefined;
    }
  }
}

function metaFrom(raw: Readonly<Record<string, string>>): ReplicaMeta {
  const meta = decodeStateMeta(raw);
  const verifiedAt = optionalNumber(meta?.verifiedAt);
  const lastEventObservedAt = optionalNumber(meta?.lastEventObservedAt);
  const verifiedResourceVersion = meta?.verifiedResourceVersion;
  return {
    epoch: meta?.epoch ?? "",
    ...(verifiedResourceVersion !== undefined && verifiedResourceVersion !== ""
      ? { verifiedResourceVersion }
      : {}),
    ...(verifiedAt !== undefined ? { verifiedAt } : {}),
    ...(lastEventObservedAt !== undefined ? { lastEventObservedAt } : {}),
  };
}

function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
