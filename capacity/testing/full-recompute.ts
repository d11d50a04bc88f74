/**
 * An independent, from-scratch computation of pool and consumer figures from whole lists of
 * objects, written as plainly as possible (no incremental bookkeeping). Tests compare the
 * incremental aggregates against it: in units after random event sequences, and on the
 * lifelike cluster against a fresh LIST of the API server.
 */
import {
  addInto,
  formatResourceList,
  isOpen,
  nodeCapacity,
  podFootprint,
  poolOf,
  type MutableResourceList,
  type NodeLike,
  type PodLike,
} from "../model/index.js";

export interface RecomputedPool {
  readonly nodes: number;
  readonly closedNodes: number;
  readonly allocatable: Record<string, string>;
  readonly requested: Record<string, string>;
  readonly limits: Record<string, string>;
  readonly closedAllocatable: Record<string, string>;
  readonly closedRequested: Record<string, string>;
}

export interface RecomputedConsumer {
  readonly runningPods: number;
  readonly pendingPods: number;
  readonly requests: Record<string, string>;
  readonly limits: Record<string, string>;
  readonly pending: Record<string, string>;
}

export function recomputePools(
  nodes: readonly NodeLike[],
  pods: readonly PodLike[],
  poolLabel?: string,
): Map<string, RecomputedPool> {
  const out = new Map<string, RecomputedPool>();
  for (const pool of new Set(nodes.map((n) => poolOf(nodeCapacity(n).labels, poolLabel)))) {
    const members = nodes.map(nodeCapacity).filter((n) => poolOf(n.labels, poolLabel) === pool);
    const sumOf = (open: boolean, what: "allocatable" | "requested" | "limits"): Record<string, string> => {
      const total: MutableResourceList = new Map();
      for (const node of members.filter((n) => isOpen(n) === open)) {
        if (what === "allocatable") addInto(total, node.allocatable);
        else
          for (const pod of pods) {
            const f = podFootprint(pod);
            if (f.placement === "scheduled" && f.nodeName === node.name)
              addInto(total, what === "requested" ? f.requests : f.limits);
          }
      }
      for (const [name, amount] of total) if (amount === 0n) total.delete(name);
      return formatResourceList(total);
    };
    out.set(pool, {
      nodes: members.filter(isOpen).length,
      closedNodes: members.filter((n) => !isOpen(n)).length,
      allocatable: sumOf(true, "allocatable"),
      requested: sumOf(true, "requested"),
      limits: sumOf(true, "limits"),
      closedAllocatable: sumOf(false, "allocatable"),
      closedRequested: sumOf(false, "requested"),
    });
  }
  return out;
}

export function recomputeConsumers(
  pods: readonly PodLike[],
  consumerLabel?: string,
): Map<string, RecomputedConsumer> {
  const out = new Map<string, RecomputedConsumer>();
  const names = new Set<string>();
  const nameOf = (pod: PodLike): string =>
    consumerLabel === undefined
      ? (pod.metadata?.namespace ?? "")
      : (pod.metadata?.labels?.[consumerLabel] ?? "__unallocated__");
  for (const pod of pods) if (podFootprint(pod).placement !== "terminated") names.add(nameOf(pod));
  for (const name of names) {
    const mine = pods
      .map((p) => ({ p, f: podFootprint(p) }))
      .filter(({ p, f }) => nameOf(p) === name && f.placement !== "terminated");
    const total = (placement: string, side: "requests" | "limits"): Record<string, string> => {
      const list: MutableResourceList = new Map();
      for (const { f } of mine) if (f.placement === placement) addInto(list, f[side]);
      for (const [k, v] of list) if (v === 0n) list.delete(k);
      return formatResourceList(list);
    };
    out.set(name, {
      runningPods: mine.filter(({ f }) => f.placement === "scheduled").length,
      pendingPods: mine.filter(({ f }) => f.placement === "pending").length,
      requests: total("scheduled", "requests"),
      limits: total("scheduled", "limits"),
      pending: total("pending", "requests"),
    });
  }
  return out;
}
