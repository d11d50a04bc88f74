import { describe, expect, it } from "vitest";
import { nodeCapacity, parseResourceList, type NodeLike } from "../model/index.js";
import { fit, type FitNode, type FitRequest } from "./fit.js";

const node = (
  name: string,
  pool: string,
  allocatable: Record<string, string>,
  requested: Record<string, string> = {},
  extra: Partial<NodeLike> = {},
): FitNode => ({
  capacity: nodeCapacity({ metadata: { name, labels: { pool } }, status: { allocatable }, ...extra }),
  pool,
  requested: parseResourceList(requested),
});

const request = (
  replicas: number,
  requests: Record<string, string>,
  extra: Partial<FitRequest> = {},
): FitRequest => ({
  replicas,
  requests: parseResourceList(requests),
  tolerations: [],
  policy: "LeastUtilized",
  ...extra,
});

const nodes = [
  node("a1", "a", { cpu: "4", memory: "8Gi" }, { cpu: "3" }), // 1 cpu free
  node("a2", "a", { cpu: "4", memory: "8Gi" }), // 4 free
  node("b1", "b", { cpu: "8", memory: "4Gi" }, { cpu: "1" }), // 7 cpu, 4Gi free
  node("c1", "c", { cpu: "16", memory: "64Gi" }, {}, { spec: { unschedulable: true } }),
  node(
    "d1",
    "d",
    { cpu: "16", memory: "64Gi" },
    {},
    { spec: { taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] } },
  ),
];

describe("fit", () => {
  it.each([
    [
      "per node: ⌊free/request⌋, the scarcest resource decides",
      request(100, { cpu: "1", memory: "1Gi" }),
      { a: 5, b: 4, c: 0, d: 0 },
    ],
    [
      "cordoned and untolerated-tainted nodes take none",
      request(1, { cpu: "1" }),
      { a: 5, b: 7, c: 0, d: 0 },
    ],
    [
      "a tolerated taint opens the node",
      request(
        1,
        { cpu: "1" },
        { tolerations: [{ key: "gpu", operator: "Equal", value: "yes", effect: "NoSchedule" }] },
      ),
      { a: 5, b: 7, c: 0, d: 16 },
    ],
    [
      "the node selector narrows the nodes",
      request(1, { cpu: "1" }, { nodeSelector: { pool: "b" } }),
      { a: 0, b: 7, c: 0, d: 0 },
    ],
    [
      "a resource no node has fits nowhere",
      request(1, { "nvidia.com/gpu": "1" }),
      { a: 0, b: 0, c: 0, d: 0 },
    ],
  ])("%s", (_name, subject, expected) => {
    const result = fit(subject, nodes, new Map());
    expect(Object.fromEntries(result.pools.map((p) => [p.pool, p.fits]))).toEqual(expected);
  });

  it("caps a pool by its leases", () => {
    const result = fit(request(10, { cpu: "1" }), nodes, new Map([["b", parseResourceList({ cpu: "5" })]]));
    expect(result.pools.find((p) => p.pool === "b")?.fits).toBe(2);
  });

  it("assigns replicas in rank order: LeastUtilized spreads to the freest pool, MostAllocated packs", () => {
    const least = fit(request(3, { cpu: "1" }), nodes.slice(0, 3), new Map());
    expect(least.pools.map((p) => [p.pool, p.replicas])).toEqual([
      ["b", 3],
      ["a", 0],
    ]);
    const most = fit(request(3, { cpu: "1" }, { policy: "MostAllocated" }), nodes.slice(0, 3), new Map());
    expect(most.pools.map((p) => [p.pool, p.replicas])).toEqual([
      ["a", 3],
      ["b", 0],
    ]);
    expect(most).toMatchObject({ fits: true, replicasPlaced: 3 });
  });

  it("says why a pool takes nothing", () => {
    const result = fit(
      request(1, { cpu: "1" }, { nodeSelector: { pool: "a" } }),
      nodes,
      new Map([["a", parseResourceList({ cpu: "5" })]]),
    );
    const reasons = Object.fromEntries(result.pools.map((p) => [p.pool, p.reason]));
    expect(reasons).toEqual({
      a: "held by capacity leases",
      b: "no eligible node: 1 node selector mismatch",
      c: "no eligible node: 1 unschedulable",
      d: "no eligible node: 1 untolerated taint",
    });
    expect(result.fits).toBe(false);
  });
});
