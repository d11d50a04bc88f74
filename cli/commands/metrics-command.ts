import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startMetricsExporter } from "../../metrics/index.js";
import { startUsageRecorder } from "../../usage/history/usage-recorder.js";
import { commonConfig, influxConfig, kindsConfig } from "../config.js";
import { startDependencyCheck } from "../dependency-check.js";
import type { FlagValues } from "../parse-flags.js";
import { UsageError } from "../usage-error.js";

/** `krm metrics`: needs --influx-url. Writes the usage ledger's hourly history too (usage/history/). */
export async function metricsCommand(
  values: FlagValues,
  _env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const common = commonConfig(values);
  const kinds = kindsConfig(values);
  const influx = influxConfig(values);
  if (influx === undefined) throw new UsageError("krm metrics needs --influx-url (or INFLUX_URL)");
  logger.info({ influx: influx.url, api: influx.api }, "starting metrics exporter");
  return [
    await startMetricsExporter({
      kinds,
      redisUrl: common.redisUrl,
      keyPrefix: common.keyPrefix,
      influx,
      logger: logger.child({ part: "metrics" }),
    }),
    startUsageRecorder({
      redisUrl: common.redisUrl,
      keyPrefix: common.keyPrefix,
      influx,
      logger: logger.child({ part: "usage-history" }),
    }),
    // `/readyz` fails while Redis does not answer (InfluxDB outages are buffered, not fatal).
    startDependencyCheck({ name: "krm-metrics", redisUrl: common.redisUrl }),
  ];
}
