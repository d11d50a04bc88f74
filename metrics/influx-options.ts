/** How the exporter reaches InfluxDB. */
export interface InfluxOptions {
  /** Base URL, e.g. http://127.0.0.1:8086. */
  url: string;
  /** InfluxDB 1.x database (v1 `/write?db=`); with the v2 API on 1.8 it becomes the bucket `database/retentionPolicy`. */
  database?: string;
  retentionPolicy?: string;
  username?: string;
  password?: string;
  /** InfluxDB 2.x/3.x. */
  org?: string;
  bucket?: string;
  token?: string;
  /** Which write API; `auto` (default) asks `/ping` for `X-Influxdb-Version`: below 1.8 → v1, else v2. */
  api?: "v1" | "v2" | "auto";
  /** Bound of the point buffer; beyond it the oldest points are dropped and counted. */
  maxBufferedPoints?: number;
  /** Longest a point waits in the buffer before a (partial) batch is written. */
  flushIntervalMs?: number;
  /** Points per write request. */
  batchSize?: number;
  /** A write taking longer than this is abandoned and retried. */
  writeTimeoutMs?: number;
}

/** Database when none is configured (matches the CLI's `--influx-database` default). */
export const DEFAULT_DATABASE = "krm";
/** Enough for minutes of a busy cluster's events at a few hundred bytes each (tens of MB at most). */
export const DEFAULT_MAX_BUFFERED_POINTS = 100_000;
/** Dashboards refresh every few seconds; a second of batching keeps writes few without making them stale. */
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
/** InfluxDB's recommended batch size is 5 000 lines; smaller keeps each request quick. */
export const DEFAULT_BATCH_SIZE = 5000;
/** A healthy InfluxDB answers a batch in milliseconds; ten seconds means it is stuck. */
export const DEFAULT_WRITE_TIMEOUT_MS = 10_000;
