/**
 * InfluxDB measurement, tag and field names: the contract with the Chronograf dashboards in
 * deploy/chronograf/ (documented for humans in metrics/SCHEMA.md). Renaming anything here
 * breaks saved dashboards and queries; add, never rename.
 */

/** One point per watch event read from a kind's `events` stream. */
export const STREAM_EVENT = "krm_stream_event";
/** One point per merged snapshot (an entry of the `verifications` stream). */
export const VERIFICATION = "krm_verification";
/** Sampled watch health of a kind (the streamer's `watch` hash). */
export const WATCH = "krm_watch";
/** Sampled served-state facts of a kind (the aggregator's `state-meta` hash). */
export const CACHE = "krm_cache";
/** Sampled health of the exporter itself: buffer, written, dropped. */
export const EXPORTER = "krm_exporter";

export const TAG_KIND = "kind";
export const TAG_TYPE = "type";
export const TAG_NAMESPACE = "namespace";

/**
 * Kubernetes object timestamps (`creationTimestamp`, `deletionTimestamp`) are RFC 3339 with
 * whole seconds, so a delay computed from them is quantized to this.
 */
export const KUBE_TIMESTAMP_RESOLUTION_MS = 1000;
