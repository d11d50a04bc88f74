/**
 * Reads one unlabelled sample (`name value [timestamp]`) from Prometheus text exposition.
 * Hand-written because prom-client only writes the format, and the bench needs a few
 * unlabelled gauges of krm's /metrics (docs/metrics.md), not a parser dependency.
 * Undefined when the sample is absent or its value is not a number.
 */
export function sampleValue(exposition: string, name: string): number | undefined {
  for (const line of exposition.split("\n")) {
    const [sample, value] = line.trim().split(/\s+/);
    if (sample !== name || value === undefined) continue;
    const parsed = value === "+Inf" ? Infinity : value === "-Inf" ? -Infinity : Number(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}
