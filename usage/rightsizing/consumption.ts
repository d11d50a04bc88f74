/**
 * Reads containers' consumption over a window from Prometheus' cAdvisor series (the kubelet's
 * `/metrics/cadvisor`, which Prometheus scrapes in every usual setup):
 *   CPU    = rate(container_cpu_usage_seconds_total[rate window]), cores
 *   memory = container_memory_working_set_bytes, bytes (what the OOM killer and eviction watch)
 * both per namespace, pod and container, with the pod sandbox (`container="POD"`) and
 * cgroup-level series (`container=""`) left out. Two range queries per read, whatever the
 * number of pods.
 */
import type { MetricsQuerier, RangeSeries } from "../prometheus/prometheus-client.js";
import type { RightsizingPolicy } from "./policy.js";

/** One container's points: `[unix seconds, value]`. */
export interface ContainerSeries {
  readonly cpuCores: [number, number][];
  readonly memoryBytes: [number, number][];
}

/** `namespace/pod` → container → series. */
export type Consumption = ReadonlyMap<string, ReadonlyMap<string, ContainerSeries>>;

export interface ConsumptionQuery {
  /** Only this namespace; undefined for all. */
  readonly namespace?: string;
  /** End of the window (ms); the window's length is the policy's. */
  readonly endMs: number;
}

/** A PromQL string literal (label values such as namespaces are plain, but quote them properly anyway). */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** The two queries, exported for their test and for the README. */
export function consumptionQueries(
  policy: RightsizingPolicy,
  namespace?: string,
): { cpu: string; memory: string } {
  const matchers = ['container!=""', 'container!="POD"'];
  if (namespace !== undefined) matchers.push(`namespace=${promqlString(namespace)}`);
  const selector = `{${matchers.join(",")}}`;
  const by = "by (namespace, pod, container)";
  const rateWindow = `${Math.max(1, Math.round(policy.rateWindowMs / 1000))}s`;
  return {
    cpu: `sum ${by} (rate(container_cpu_usage_seconds_total${selector}[${rateWindow}]))`,
    memory: `max ${by} (container_memory_working_set_bytes${selector})`,
  };
}

export async function readConsumption(
  prometheus: MetricsQuerier,
  policy: RightsizingPolicy,
  query: ConsumptionQuery,
): Promise<Consumption> {
  const { cpu, memory } = consumptionQueries(policy, query.namespace);
  const range = {
    start: (query.endMs - policy.windowMs) / 1000,
    end: query.endMs / 1000,
    stepSeconds: Math.max(1, policy.stepMs / 1000),
  };
  const [cpuSeries, memorySeries] = await Promise.all([
    prometheus.queryRange(cpu, range),
    prometheus.queryRange(memory, range),
  ]);
  const byPod = new Map<string, Map<string, ContainerSeries>>();
  const add = (series: RangeSeries, pick: (entry: ContainerSeries) => [number, number][]): void => {
    const { namespace, pod, container } = series.metric;
    if (namespace === undefined || pod === undefined || container === undefined) return;
    const key = `${namespace}/${pod}`;
    let containers = byPod.get(key);
    if (containers === undefined) byPod.set(key, (containers = new Map<string, ContainerSeries>()));
    let entry = containers.get(container);
    if (entry === undefined) containers.set(container, (entry = { cpuCores: [], memoryBytes: [] }));
    pick(entry).push(...series.values.map(([time, value]): [number, number] => [time, value]));
  };
  for (const series of cpuSeries) add(series, (entry) => entry.cpuCores);
  for (const series of memorySeries) add(series, (entry) => entry.memoryBytes);
  return byPod;
}
