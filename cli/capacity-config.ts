/** The capacity views' settings from flags (see cli/flags.ts), validated once. */
import {
  validateCapacityConfig,
  CapacityConfigError,
  type CapacityConfig,
  type Thresholds,
} from "../capacity/aggregates/config.js";
import type { DerivedViewsFactory } from "../api/index.js";
import { capacityViews } from "../capacity/serve/capacity-views.js";
import type { InfluxOptions } from "../metrics/influx-options.js";
import type { FlagValues } from "./parse-flags.js";
import { UsageError } from "./usage-error.js";

/** undefined when --no-capacity. */
export function capacityConfig(values: FlagValues): CapacityConfig | undefined {
  if (values["no-capacity"] === true) return undefined;
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  };
  const poolLabel = text("capacity-pool-label");
  const consumerLabel = text("consumer-label");
  const overcommit = pairs(text("capacity-overcommit"), "--capacity-overcommit", (v) => Number(v));
  const thresholds = pairs(text("capacity-thresholds"), "--capacity-thresholds", (v): Thresholds => {
    const [warning, critical] = v.split(":").map(Number);
    return { warning: warning ?? Number.NaN, critical: critical ?? Number.NaN };
  });
  try {
    return validateCapacityConfig({
      ...(poolLabel !== undefined ? { poolLabel } : {}),
      ...(consumerLabel !== undefined ? { consumerLabel } : {}),
      ...(overcommit !== undefined ? { overcommit } : {}),
      ...(thresholds !== undefined ? { thresholds } : {}),
    });
  } catch (error) {
    if (error instanceof CapacityConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function pairs<T>(
  text: string | undefined,
  flag: string,
  parse: (value: string) => T,
): Record<string, T> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, T> = {};
  for (const item of text.split(",")) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag}: "${item}" is not key=value`);
    out[item.slice(0, eq).trim()] = parse(item.slice(eq + 1).trim());
  }
  return out;
}

/** The derived-view groups `krm api` and `krm run` serve. */
export function derivedViewsOf(
  values: FlagValues,
  influx?: InfluxOptions,
): { derivedViews?: DerivedViewsFactory[] } {
  const capacity = capacityConfig(values);
  return capacity === undefined
    ? {}
    : { derivedViews: [capacityViews({ config: capacity, ...(influx !== undefined ? { influx } : {}) })] };
}
