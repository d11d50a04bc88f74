/**
 * What the streamer loop depends on, as narrow interfaces, so its logic is tested with
 * scripted fakes and runs in production against the API server and Redis (wired in index.ts).
 */
import type { ListPagesOptions, ListResult } from "../core/kube-list.js";
import type { KubeObject } from "../core/object-key.js";
import type { WatchEventType } from "../core/records.js";
import type { SerializedObject, SwapResult } from "../core/snapshot-writer.js";
import type { WatchEvent, WatchRequest } from "./watch-stream.js";

/** The API server, for one kind. */
export interface KubeSource {
  /** Paginated LIST (see core/kube-list.ts for the contract). */
  list(options: Omit<ListPagesOptions, "kubeConfig" | "kind">): Promise<ListResult>;
  /** One WATCH request (see watch-stream.ts for the contract). */
  watch(request: Omit<WatchRequest, "kubeConfig" | "kind">): AsyncIterable<WatchEvent>;
}

/** A snapshot being written (core/snapshot-writer.ts `StagedSnapshot`). */
export interface SnapshotStaging {
  readonly objectCount: number;
  add(objects: readonly KubeObject[]): Promise<void>;
  addSerialized(entries: readonly SerializedObject[]): Promise<void>;
  discard(): Promise<void>;
  commit(resourceVersion: string): Promise<SwapResult>;
}

/** The `events` stream (event-writer.ts `EventWriter`). */
export interface EventSink {
  append(type: WatchEventType, rv: string, objectJson: string, observedAt: number): Promise<void>;
  drain(): Promise<void>;
}

/** The `watch` health hash (watch-health.ts `WatchHealthReporter`). */
export interface HealthSink {
  setConnected(connected: boolean): void;
  gone(): void;
  event(resourceVersion: string): void;
  bookmark(resourceVersion: string): void;
}
