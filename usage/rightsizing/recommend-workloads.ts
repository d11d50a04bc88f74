/**
 * Recommendations for every workload of a set of pods, pure: pods grouped by workload
 * (workload-of.ts), each container's consumption pooled over the workload's pods, current
 * values read from the workload's newest pod, and the estimated reserved resources saved
 * (current > recommended) or missing (current < recommended) over its running replicas; with
 * the HPAs krm caches, a workload scaled on cpu or memory is flagged (autoscalers.ts).
 */
import {
  parseResourceList,
  podPlacement,
  type ContainerLike,
  type PodLike,
} from "../../capacity/model/index.js";
import { workloadKey, type AutoscalerFlag } from "./autoscalers.js";
import { workloadConfidence } from "./confidence.js";
import type { Consumption } from "./consumption.js";
import type { RightsizingPolicy } from "./policy.js";
import {
  recommendContainer,
  type ContainerRecommendation,
  type ContainerResources,
  type Verdict,
} from "./recommend-container.js";
import { workloadName, workloadOf, type OwnedPod, type WorkloadRef } from "./workload-of.js";

/** The subset of a pod this reads. */
export interface RecommendablePod extends PodLike, OwnedPod {
  readonly metadata?: PodLike["metadata"] &
    OwnedPod["metadata"] & { readonly namespace?: string; readonly creationTimestamp?: string };
  readonly status?: PodLike["status"] & {
    readonly containerStatuses?: readonly ContainerStatusLike[];
    readonly initContainerStatuses?: readonly ContainerStatusLike[];
  };
}

interface ContainerStatusLike {
  readonly name?: string;
  readonly lastState?: { readonly terminated?: { readonly reason?: string } };
  readonly state?: { readonly terminated?: { readonly reason?: string } };
}

export interface WorkloadRecommendation {
  readonly namespace: string;
  /** `<kind>.<name>`. */
  readonly name: string;
  readonly workload: WorkloadRef;
  /** Pods of the workload bound to a node and not finished. */
  readonly replicas: number;
  readonly containers: readonly ContainerRecommendation[];
  /** Worst verdict over its containers and resources: under > over > ok > unknown. */
  readonly verdict: Verdict;
  /** 0..1: the least confidence of its containers (confidence.ts). */
  readonly confidence: number;
  /** An HPA scaling this workload on cpu or memory, which the advice would change (autoscalers.ts). */
  readonly autoscaler?: AutoscalerFlag;
  /**
   * Reserved resources freed (positive) or missing (negative) if the recommendation were
   * applied to every running replica: Σ containers (current − recommended) × replicas.
   */
  readonly delta: { readonly cpuMillis: number; readonly memoryBytes: number };
}

export function recommendWorkloads(
  pods: readonly RecommendablePod[],
  consumption: Consumption,
  policy: RightsizingPolicy,
  autoscalers: ReadonlyMap<string, AutoscalerFlag> = new Map(),
): WorkloadRecommendation[] {
  const byWorkload = new Map<
    string,
    { namespace: string; workload: WorkloadRef; pods: RecommendablePod[] }
  >();
  for (const pod of pods) {
    const namespace = pod.metadata?.namespace ?? "";
    const workload = workloadOf(pod);
    const key = `${namespace}/${workloadName(workload)}`;
    let entry = byWorkload.get(key);
    if (entry === undefined) byWorkload.set(key, (entry = { namespace, workload, pods: [] }));
    entry.pods.push(pod);
  }
  const out: WorkloadRecommendation[] = [];
  for (const { namespace, workload, pods: members } of byWorkload.values()) {
    const newest = members.reduce((a, b) => (created(b) > created(a) ? b : a));
    const replicas = members.filter((pod) => podPlacement(pod) === "scheduled").length;
    const containers = containersOf(newest).map((container) => {
      const name = container.name ?? "";
      return recommendContainer(
        name,
        currentOf(container),
        pooledUsage(namespace, members, name, consumption),
        policy,
      );
    });
    let cpuMillis = 0;
    let memoryBytes = 0;
    for (const row of containers) {
      if (row.recommended === undefined) continue;
      cpuMillis += ((row.current.cpuRequestMillis ?? 0) - (row.recommended.cpuRequestMillis ?? 0)) * replicas;
      memoryBytes +=
        ((row.current.memoryRequestBytes ?? 0) - (row.recommended.memoryRequestBytes ?? 0)) * replicas;
    }
    const autoscaler = autoscalers.get(workloadKey(namespace, workload));
    out.push({
      namespace,
      name: workloadName(workload),
      workload,
      replicas,
      containers,
      verdict: worstVerdict(containers.flatMap((row) => [row.verdict.cpu, row.verdict.memory])),
      confidence: workloadConfidence(containers),
      ...(autoscaler !== undefined ? { autoscaler } : {}),
      delta: { cpuMillis, memoryBytes },
    });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

const VERDICT_ORDER: readonly Verdict[] = ["under", "over", "ok", "unknown"];

export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  for (const verdict of VERDICT_ORDER) if (verdicts.includes(verdict)) return verdict;
  return "unknown";
}

/** App, init and sidecar containers alike: each has its own row. */
function containersOf(pod: RecommendablePod): ContainerLike[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

function currentOf(container: ContainerLike): ContainerResources {
  const requests = parseResourceList(container.resources?.requests);
  const limits = parseResourceList(container.resources?.limits);
  const millis = (amount: bigint | undefined): number | undefined =>
    amount === undefined ? undefined : Number(amount);
  const bytes = (amount: bigint | undefined): number | undefined =>
    amount === undefined ? undefined : Math.ceil(Number(amount) / 1000);
  const out: { -readonly [K in keyof ContainerResources]: ContainerResources[K] } = {};
  const cpuRequest = millis(requests.get("cpu"));
  const cpuLimit = millis(limits.get("cpu"));
  const memoryRequest = bytes(requests.get("memory"));
  const memoryLimit = bytes(limits.get("memory"));
  if (cpuRequest !== undefined) out.cpuRequestMillis = cpuRequest;
  if (cpuLimit !== undefined) out.cpuLimitMillis = cpuLimit;
  if (memoryRequest !== undefined) out.memoryRequestBytes = memoryRequest;
  if (memoryLimit !== undefined) out.memoryLimitBytes = memoryLimit;
  return out;
}

function pooledUsage(
  namespace: string,
  pods: readonly RecommendablePod[],
  container: string,
  consumption: Consumption,
): { cpuCores: number[]; memoryBytes: number[]; historyMs: number; oomKilled: boolean } {
  const cpuCores: number[] = [];
  const memoryBytes: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  let oomKilled = false;
  for (const pod of pods) {
    const series = consumption.get(`${namespace}/${pod.metadata?.name ?? ""}`)?.get(container);
    for (const [time] of [...(series?.cpuCores ?? []), ...(series?.memoryBytes ?? [])]) {
      first = Math.min(first, time);
      last = Math.max(last, time);
    }
    for (const [, value] of series?.cpuCores ?? []) cpuCores.push(value);
    for (const [, value] of series?.memoryBytes ?? []) memoryBytes.push(value);
    const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
    for (const status of statuses)
      if (
        status.name === container &&
        (status.lastState?.terminated?.reason === "OOMKilled" ||
          status.state?.terminated?.reason === "OOMKilled")
      )
        oomKilled = true;
  }
  const historyMs = last >= first ? (last - first) * 1000 : 0;
  return { cpuCores, memoryBytes, historyMs, oomKilled };
}

function created(pod: RecommendablePod): number {
  const ms = Date.parse(pod.metadata?.creationTimestamp ?? "");
  return Number.isNaN(ms) ? 0 : ms;
}
