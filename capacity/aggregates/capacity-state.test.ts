/**
 * Differential test: after any sequence of node and pod events, the incremental aggregates
 * equal a from-scratch computation over the objects that remain (capacity/testing/).
 */
import { describe, expect, it } from "vitest";
import { formatResourceList, parseQuantity, type NodeLike, type PodLike } from "../model/index.js";
import { recomputeConsumers, recomputePools } from "../testing/full-recompute.js";
import { pick, random } from "../testing/random.js";
import { CapacityState, type AggregateRef } from "./capacity-state.js";

function randomNode(next: () => number, name: string): NodeLike {
  return {
    metadata: { name, labels: { "karpenter.sh/nodepool": pick(next, ["small", "large", "gpu"]) } },
    spec: {
      unschedulable: next() < 0.15,
      taints:
        next() < 0.15
          ? [{ key: "dedicated", value: "x", effect: pick(next, ["NoSchedule", "PreferNoSchedule"]) }]
          : [],
    },
    status: {
      allocatable: {
        cpu: pick(next, ["2", "3500m", "16"]),
        memory: pick(next, ["4Gi", "15Gi", "64Gi"]),
        pods: "110",
        ...(next() < 0.3 ? { "nvidia.com/gpu": "4" } : {}),
      },
      conditions: [{ type: "Ready", status: next() < 0.9 ? "True" : "False" }],
    },
  };
}

function randomPod(next: () => number, name: string, nodeNames: readonly string[]): PodLike {
  const container = (): {
    resources: { requests: Record<string, string>; limits: Record<string, string> };
  } => ({
    resources: {
      requests: {
        cpu: pick(next, ["100m", "250m", "1"]),
        memory: pick(next, ["64Mi", "1Gi"]),
        ...(next() < 0.1 ? { "nvidia.com/gpu": "1" } : {}),
      },
      limits: next() < 0.5 ? { memory: pick(next, ["128Mi", "2Gi"]) } : {},
    },
  });
  const placed = next() < 0.8 && nodeNames.length > 0;
  return {
    metadata: {
      name,
      namespace: pick(next, ["a", "b", "c"]),
      labels: next() < 0.7 ? { team: pick(next, ["red", "blue"]) } : {},
    },
    spec: {
      ...(placed ? { nodeName: pick(next, [...nodeNames, "ghost-node"]) } : {}),
      containers: [container(), ...(next() < 0.3 ? [container()] : [])],
      ...(next() < 0.3
        ? { initContainers: [{ ...container(), ...(next() < 0.5 ? { restartPolicy: "Always" } : {}) }] }
        : {}),
      ...(next() < 0.2 ? { nodeSelector: { "karpenter.sh/nodepool": "gpu" } } : {}),
    },
    status: { phase: pick(next, ["Pending", "Running", "Running", "Running", "Succeeded", "Failed"]) },
  };
}

function figures(state: CapacityState): { pools: Map<string, unknown>; consumers: Map<string, unknown> } {
  const pools = new Map<string, unknown>();
  for (const [name, p] of state.pools) {
    if (p.open.nodes.size + p.closed.nodes.size === 0) continue;
    pools.set(name, {
      nodes: p.open.nodes.size,
      closedNodes: p.closed.nodes.size,
      allocatable: formatResourceList(p.open.allocatable),
      requested: formatResourceList(p.open.requested),
      limits: formatResourceList(p.open.limits),
      closedAllocatable: formatResourceList(p.closed.allocatable),
      closedRequested: formatResourceList(p.closed.requested),
    });
  }
  const consumers = new Map<string, unknown>();
  for (const [name, c] of state.consumers)
    consumers.set(name, {
      runningPods: c.runningPods,
      pendingPods: c.pendingPods,
      requests: formatResourceList(c.requests),
      limits: formatResourceList(c.limits),
      pending: formatResourceList(c.pending),
    });
  return { pools, consumers };
}

describe("CapacityState", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("equals a full recompute after random events (seed %i)", (seed) => {
    const next = random(seed);
    for (const consumerLabel of [undefined, "team"]) {
      const state = new CapacityState(consumerLabel === undefined ? {} : { consumerLabel });
      const nodes = new Map<string, NodeLike>();
      const pods = new Map<string, PodLike>();
      for (let step = 0; step < 400; step++) {
        const roll = next();
        if (roll < 0.15) {
          const name = `n${Math.floor(next() * 12)}`;
          const node = randomNode(next, name);
          nodes.set(name, node);
          state.upsertNode(name, node);
        } else if (roll < 0.2) {
          const name = `n${Math.floor(next() * 12)}`;
          nodes.delete(name);
          state.removeNode(name);
        } else if (roll < 0.85) {
          const key = `p${Math.floor(next() * 60)}`;
          const pod = randomPod(next, key, [...nodes.keys()]);
          pods.set(key, pod);
          state.upsertPod(key, pod);
        } else {
          const key = `p${Math.floor(next() * 60)}`;
          pods.delete(key);
          state.removePod(key);
        }
      }
      const actual = figures(state);
      expect(actual.pools).toEqual(recomputePools([...nodes.values()], [...pods.values()]));
      expect(actual.consumers).toEqual(recomputeConsumers([...pods.values()], consumerLabel));
    }
  });

  it("tells listeners which pool and consumer moved", () => {
    const state = new CapacityState({});
    const heard: AggregateRef[] = [];
    state.subscribe((ref) => heard.push(ref));
    state.upsertNode("n1", {
      metadata: { name: "n1", labels: { "karpenter.sh/nodepool": "p" } },
      status: { allocatable: { cpu: "1" } },
    });
    state.upsertPod("ns/a", { metadata: { namespace: "ns" }, spec: { nodeName: "n1", containers: [] } });
    expect(heard).toContainEqual({ resource: "nodepools", name: "p" });
    expect(heard).toContainEqual({ resource: "consumers", name: "ns" });
    const before = state.pools.get("p")?.version ?? 0n;
    state.setLeased(new Map([["p", new Map([["cpu", 500n]])]]));
    expect(state.pools.get("p")?.version).toBeGreaterThan(before);
  });

  it("counts PVC storage per class and quotas per namespace", () => {
    const state = new CapacityState({});
    state.upsertPvc("ns/a", {
      metadata: { namespace: "ns" },
      spec: { storageClassName: "fast", resources: { requests: { storage: "1Gi" } } },
    });
    state.upsertPvc("ns/b", {
      metadata: { namespace: "ns" },
      spec: { storageClassName: "fast", resources: { requests: { storage: "2Gi" } } },
    });
    state.upsertQuota("ns/q", {
      metadata: { namespace: "ns" },
      status: { hard: { "requests.cpu": "4" }, used: { "requests.cpu": "1" } },
    });
    expect(state.consumers.get("ns")?.storage.get("fast")).toBe(parseQuantity("3Gi"));
    state.removePvc("ns/a");
    state.removePvc("ns/b");
    state.removeQuota("ns/q");
    expect(state.consumers.has("ns")).toBe(false);
  });
});
