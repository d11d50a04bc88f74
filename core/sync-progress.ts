/** Where the streamer tells `krm run` how far its list of a kind has come (the startup banner). */
export interface SyncProgressSink {
  /** Objects listed so far, and the whole count when the API server gave `remainingItemCount`. */
  listed(count: number, total?: number): void;
  /** The list is complete and stored as a snapshot of `count` objects. */
  synced(count: number): void;
}
