/** The metrics exporter (`krm metrics`): stream delay, drift and watch health to InfluxDB. */
export { startMetricsExporter, type MetricsExporter, type MetricsExporterOptions } from "./exporter.js";
export type { InfluxOptions } from "./influx-options.js";
export type { ExporterStats } from "./sampled-points.js";
export { metricsCursorKey } from "./metrics-cursor.js";
export * as schema from "./schema.js";
