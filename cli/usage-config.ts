/** Settings of the usage ledger and right-sizing (usage/), validated once at startup. */
import { PrometheusClient } from "../usage/prometheus/prometheus-client.js";
import { PolicyError, policyFrom, type RightsizingPolicy } from "../usage/rightsizing/policy.js";
import type { UsageViewsOptions } from "../usage/views/usage-views.js";
import type { FlagValues } from "./parse-flags.js";
import { UsageError } from "./usage-error.js";

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

export function usageLabels(values: FlagValues): string[] {
  const text = typeof values["usage-labels"] === "string" ? values["usage-labels"] : "";
  const keys = text
    .split(",")
    .map((key) => key.trim())
    .filter((key) => key !== "");
  for (const key of keys)
    if (!LABEL_KEY.test(key)) throw new UsageError(`--usage-labels: "${key}" is not a label key`);
  return keys;
}

export function rightsizingPolicy(values: FlagValues): RightsizingPolicy {
  const text = (name: string): string | undefined =>
    typeof values[name] === "string" ? values[name] : undefined;
  try {
    return policyFrom({
      ...optional("cpuPercentile", text("cpu-percentile")),
      ...optional("memoryHeadroom", text("memory-headroom")),
      ...optional("minHistory", text("min-history")),
      ...optional("confidentHistory", text("confident-history")),
      ...optional("window", text("rightsizing-window")),
      ...optional("step", text("rightsizing-step")),
      ...optional("rateWindow", text("rate-window")),
    });
  } catch (error) {
    if (error instanceof PolicyError) throw new UsageError(error.message);
    throw error;
  }
}

/** What `krm api` and `krm run` serve as usage.krm.dev. */
export function usageViewsOptions(values: FlagValues): UsageViewsOptions {
  const url = typeof values["prometheus-url"] === "string" ? values["prometheus-url"] : undefined;
  if (url !== undefined && !/^https?:\/\//.test(url))
    throw new UsageError(`--prometheus-url=${url}: expected an http:// or https:// URL`);
  return {
    policy: rightsizingPolicy(values),
    labelKeys: usageLabels(values),
    ...(url !== undefined ? { prometheus: new PrometheusClient({ url }) } : {}),
  };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
