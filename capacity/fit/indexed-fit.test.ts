/**
 * Differential test: `indexedFit` over the state's per-pool index answers exactly what the
 * straightforward `fit` answers over the same nodes, for random clusters changed between
 * reviews (so cached node room must follow the changes) and random requests, including
 * figures past 2^53 − 1 milli-units where the bigint fallback takes over.
 */
import { describe, expect, it } from "vitest";
import { CapacityState } from "../aggregates/capacity-state.js";
import { MILLI, POD_SLOTS, parseResourceList, type NodeLike, type PodLike } from "../model/index.js";
import { pick, random } from "../testing/random.js";
import { fit, type FitRequest } from "./fit.js";
import { indexedFit } from "./indexed-fit.js";

const POOLS = ["small", "large", "gpu"];

function randomNode(next: () => number, name: string): NodeLike {
  return {
    metadata: { name, labels: { "karpenter.sh/nodepool": pick(next, POOLS), zone: pick(next, ["a", "b"]) } },
    spec: {
      unschedulable: next() < 0.1,
      taints:
        next() < 0.2
          ? [
              {
                key: "dedicated",
                value: pick(next, ["x", "y"]),
                effect: pick(next, ["NoSchedule", "NoExecute"]),
              },
            ]
          : [],
    },
    status: {
      allocatable: {
        cpu: pick(next, ["2", "3500m", "16", "64"]),
        memory: pick(next, ["4Gi", "15Gi", "64Gi", "256Gi"]),
        pods: pick(next, ["8", "110"]),
        // 20Pi in milli-units is past 2^53: the bigint fallback.
        ...(next() < 0.2 ? { "ephemeral-storage": pick(next, ["100Gi", "20Pi"]) } : {}),
        ...(next() < 0.3 ? { "nvidia.com/gpu": pick(next, ["1", "4"]) } : {}),
      },
    },
  };
}

function randomPod(next: () => number, name: string, nodes: readonly string[]): PodLike {
  return {
    metadata: { name, namespace: "a" },
    spec: {
      nodeName: pick(next, [...nodes, "ghost-node"]),
      containers: [
        {
          resources: {
            requests: {
              cpu: pick(next, ["100m", "250m", "1", "3"]),
              memory: pick(next, ["64Mi", "1Gi", "7Gi"]),
              ...(next() < 0.1 ? { "nvidia.com/gpu": "1" } : {}),
              ...(next() < 0.1 ? { "ephemeral-storage": pick(next, ["1Gi", "9Pi"]) } : {}),
            },
          },
        },
      ],
    },
    status: { phase: "Running" },
  };
}

function randomRequest(next: () => number): FitRequest {
  const requests = parseResourceList({
    cpu: pick(next, ["100m", "1", "2", "33"]),
    ...(next() < 0.8 ? { memory: pick(next, ["128Mi", "4Gi", "100Gi"]) } : {}),
    ...(next() < 0.2 ? { "nvidia.com/gpu": "1" } : {}),
    ...(next() < 0.2 ? { "ephemeral-storage": pick(next, ["10Gi", "12Pi"]) } : {}),
  });
  requests.set(POD_SLOTS, MILLI);
  const selector = pick<Record<string, string> | undefined>(next, [
    undefined,
    { zone: "a" },
    { "karpenter.sh/nodepool": "large" },
  ]);
  return {
    replicas: pick(next, [1, 10, 1000]),
    requests,
    ...(selector !== undefined ? { nodeSelector: selector } : {}),
    tolerations:
      next() < 0.3
        ? [{ key: "dedicated", operator: pick(next, ["Exists", "Equal"]), value: "x", effect: "" }]
        : [],
    policy: pick(next, ["LeastUtilized", "MostAllocated"] as const),
  };
}

describe("indexedFit", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("answers as fit does, seed %i", (seed) => {
    const next = random(seed);
    const state = new CapacityState({});
    const nodeNames = Array.from({ length: 40 }, (_, i) => `n-${i}`);
    let compared = 0;
    for (let step = 0; step < 400; step++) {
      const roll = next();
      if (roll < 0.1) {
        const name = pick(next, nodeNames);
        state.upsertNode(name, randomNode(next, name));
      } else if (roll < 0.13) state.removeNode(pick(next, nodeNames));
      else if (roll < 0.8) state.upsertPod(`p-${Math.floor(next() * 300)}`, randomPod(next, "p", nodeNames));
      else if (roll < 0.9) state.removePod(`p-${Math.floor(next() * 300)}`);
      else {
        const leased = new Map(
          POOLS.map((pool) => [
            pool,
            next() < 0.3 ? parseResourceList({ cpu: pick(next, ["1", "40"]) }) : new Map(),
          ]),
        );
        const request = randomRequest(next);
        expect(indexedFit(request, state.fitPools(), leased)).toEqual(
          fit(request, state.nodeLoads(), leased),
        );
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
  });

  it("keeps exact figures past 2^53 milli-units", () => {
    const state = new CapacityState({});
    state.upsertNode("big", {
      metadata: { name: "big", labels: { pool: "p" } },
      status: { allocatable: { "ephemeral-storage": "20Pi", pods: "10" } },
    });
    const request: FitRequest = {
      replicas: 1,
      requests: parseResourceList({ "ephemeral-storage": "3Pi", pods: "1" }),
      tolerations: [],
      policy: "LeastUtilized",
    };
    const answer = indexedFit(request, state.fitPools(), new Map());
    expect(answer.pools[0]?.nodes).toEqual([{ node: "big", fits: 6 }]);
    expect(answer).toEqual(fit(request, state.nodeLoads(), new Map()));
  });
});
