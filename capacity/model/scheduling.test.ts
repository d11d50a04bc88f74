import { describe, expect, it } from "vitest";
import { isOpen, nodeCapacity } from "./node-capacity.js";
import { DEFAULT_POOL, UNLABELLED_POOL, poolOf } from "./pool-label.js";
import { DEFAULT_STORAGE_CLASS, pvcStorage } from "./pvc-storage.js";
import { formatResourceList } from "./resource-list.js";
import { matchesNodeSelector, tolerates, toleratesAll, type Taint, type Toleration } from "./scheduling.js";

const taint = (key: string, value: string, effect: string): Taint => ({ key, value, effect });
const tol = (key: string, operator: string, value: string, effect: string): Toleration => ({
  key,
  operator,
  value,
  effect,
});

describe("tolerates (ToleratesTaint)", () => {
  it.each([
    ["equal key and value", tol("k", "Equal", "v", "NoSchedule"), taint("k", "v", "NoSchedule"), true],
    ["other value", tol("k", "Equal", "w", "NoSchedule"), taint("k", "v", "NoSchedule"), false],
    ["exists ignores value", tol("k", "Exists", "", "NoSchedule"), taint("k", "v", "NoSchedule"), true],
    ["empty effect matches all", tol("k", "Exists", "", ""), taint("k", "v", "NoExecute"), true],
    ["other effect", tol("k", "Exists", "", "NoExecute"), taint("k", "v", "NoSchedule"), false],
    [
      "empty key with Exists matches every taint",
      tol("", "Exists", "", ""),
      taint("any", "v", "NoSchedule"),
      true,
    ],
    ["other key", tol("j", "Exists", "", ""), taint("k", "", "NoSchedule"), false],
  ])("%s", (_name, toleration, subject, expected) => {
    expect(tolerates(toleration, subject)).toBe(expected);
  });

  it("needs every taint tolerated", () => {
    const taints = [taint("a", "", "NoSchedule"), taint("b", "", "NoSchedule")];
    expect(toleratesAll([tol("a", "Exists", "", "")], taints)).toBe(false);
    expect(toleratesAll([tol("a", "Exists", "", ""), tol("b", "Exists", "", "")], taints)).toBe(true);
    expect(toleratesAll([], [])).toBe(true);
  });
});

describe("matchesNodeSelector", () => {
  it.each([
    [undefined, { a: "1" }, true],
    [{}, {}, true],
    [{ a: "1" }, { a: "1", b: "2" }, true],
    [{ a: "1" }, { a: "2" }, false],
    [{ a: "1" }, {}, false],
  ])("%j on %j is %s", (selector, labels, expected) => {
    expect(matchesNodeSelector(selector, labels)).toBe(expected);
  });
});

describe("poolOf", () => {
  it.each([
    [
      { "cloud.google.com/gke-nodepool": "gke-a", "node.kubernetes.io/instance-type": "n2" },
      undefined,
      "gke-a",
    ],
    [{ "eks.amazonaws.com/nodegroup": "ng" }, undefined, "ng"],
    [{ "kubernetes.azure.com/agentpool": "ap" }, undefined, "ap"],
    [{ "karpenter.sh/nodepool": "kp", "node.kubernetes.io/instance-type": "m5" }, undefined, "kp"],
    [{ "node.kubernetes.io/instance-type": "m5.large" }, undefined, "m5.large"],
    [{}, undefined, DEFAULT_POOL],
    [{ team: "x", "karpenter.sh/nodepool": "kp" }, "team", "x"],
    [{ "karpenter.sh/nodepool": "kp" }, "team", UNLABELLED_POOL],
  ])("%j with label %s is pool %s", (labels, label, pool) => {
    expect(poolOf(labels, label)).toBe(pool);
  });
});

describe("nodeCapacity", () => {
  it("reads allocatable, cordon, blocking taints and readiness", () => {
    const node = nodeCapacity({
      metadata: { name: "n1", labels: { a: "b" } },
      spec: {
        unschedulable: true,
        taints: [
          { key: "x", effect: "PreferNoSchedule" },
          { key: "y", value: "1", effect: "NoSchedule" },
        ],
      },
      status: {
        allocatable: { cpu: "3500m", memory: "14Gi", pods: "110" },
        capacity: { cpu: "4" },
        conditions: [{ type: "Ready", status: "True" }],
      },
    });
    expect(formatResourceList(node.allocatable)).toEqual({ cpu: "3500m", memory: "14Gi", pods: "110" });
    expect(node).toMatchObject({
      name: "n1",
      unschedulable: true,
      ready: true,
      blockingTaints: [{ key: "y", value: "1", effect: "NoSchedule" }],
    });
    expect(isOpen(node)).toBe(false);
  });

  it("falls back to capacity, and an untainted uncordoned node is open", () => {
    const node = nodeCapacity({ metadata: { name: "n2" }, status: { capacity: { cpu: "2" } } });
    expect(formatResourceList(node.allocatable)).toEqual({ cpu: "2" });
    expect(node.ready).toBe(false);
    expect(isOpen(node)).toBe(true);
  });
});

describe("pvcStorage", () => {
  it.each([
    [{ spec: { storageClassName: "fast", resources: { requests: { storage: "10Gi" } } } }, "fast", "10Gi"],
    [
      {
        spec: { storageClassName: "fast", resources: { requests: { storage: "10Gi" } } },
        status: { phase: "Bound", capacity: { storage: "16Gi" } },
      },
      "fast",
      "16Gi",
    ],
    [{ spec: { resources: { requests: { storage: "1Gi" } } } }, DEFAULT_STORAGE_CLASS, "1Gi"],
    [{ spec: { storageClassName: "" } }, DEFAULT_STORAGE_CLASS, "0"],
  ])("%j counts under %s as %s", (pvc, storageClass, storage) => {
    const counted = pvcStorage(pvc);
    expect(counted.storageClass).toBe(storageClass);
    expect(formatResourceList(new Map([["storage", counted.storage]]))).toEqual({ storage });
  });
});
