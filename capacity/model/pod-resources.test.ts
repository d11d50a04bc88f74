/**
 * Cases ported from Kubernetes' own tests of PodRequests/PodLimits
 * (`k8s.io/component-helpers/resource/helpers_test.go`: TestPodRequestsAndLimits,
 * TestPodRequestsAndLimitsWithoutOverhead, TestPodResourceRequests, TestPodResourceLimits),
 * without the in-place-resize cases (krm reads the spec, see pod-resources.ts).
 */
import { describe, expect, it } from "vitest";
import { formatResourceList } from "./resource-list.js";
import { podLimits, podRequests, type ContainerLike, type PodLike } from "./pod-resources.js";
import { podFootprint, podPlacement } from "./pod-footprint.js";

type R = Record<string, string>;
const c = (requests: R = {}, limits: R = {}): ContainerLike => ({ resources: { requests, limits } });
const sidecar = (requests: R = {}, limits: R = {}): ContainerLike => ({
  restartPolicy: "Always",
  resources: { requests, limits },
});
const pod = (spec: {
  containers?: ContainerLike[];
  initContainers?: ContainerLike[];
  overhead?: R;
  resources?: { requests?: R; limits?: R };
}): PodLike => ({ spec });

/** The getPod(podResources{...}) helper of the Go test: one container, optional overhead. */
const onePod = (r: {
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  cpuOverhead?: string;
  memoryOverhead?: string;
}): PodLike => {
  const pick = (cpu?: string, memory?: string): R => ({
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
  });
  const overhead = pick(r.cpuOverhead, r.memoryOverhead);
  return pod({
    containers: [c(pick(r.cpuRequest, r.memoryRequest), pick(r.cpuLimit, r.memoryLimit))],
    ...(Object.keys(overhead).length > 0 ? { overhead } : {}),
  });
};

const twoContainers = [
  c({ cpu: "1", memory: "5" }, { cpu: "2", memory: "10" }),
  c({ cpu: "4", memory: "12" }, { cpu: "8", memory: "24" }),
];

interface Case {
  readonly name: string;
  readonly pod: PodLike;
  readonly excludeOverhead?: boolean;
  readonly requests?: R;
  readonly limits?: R;
}

const cases: readonly Case[] = [
  // TestPodRequestsAndLimits
  { name: "just-limit-no-overhead", pod: onePod({ cpuLimit: "9" }), requests: {}, limits: { cpu: "9" } },
  {
    name: "just-overhead",
    pod: onePod({ cpuOverhead: "5", memoryOverhead: "5" }),
    requests: { cpu: "5", memory: "5" },
    limits: {},
  },
  {
    name: "req-and-overhead",
    pod: onePod({ cpuRequest: "1", memoryRequest: "10", cpuOverhead: "5", memoryOverhead: "5" }),
    requests: { cpu: "6", memory: "15" },
    limits: {},
  },
  {
    name: "all-req-lim-and-overhead",
    pod: onePod({
      cpuRequest: "1",
      cpuLimit: "2",
      memoryRequest: "10",
      memoryLimit: "12",
      cpuOverhead: "5",
      memoryOverhead: "5",
    }),
    requests: { cpu: "6", memory: "15" },
    limits: { cpu: "7", memory: "17" },
  },
  {
    name: "req-some-lim-and-overhead (overhead only on set limits)",
    pod: onePod({
      cpuRequest: "1",
      cpuLimit: "2",
      memoryRequest: "10",
      cpuOverhead: "5",
      memoryOverhead: "5",
    }),
    requests: { cpu: "6", memory: "15" },
    limits: { cpu: "7" },
  },
  // TestPodRequestsAndLimitsWithoutOverhead
  {
    name: "two containers no overhead: sum of containers",
    pod: pod({ containers: twoContainers }),
    excludeOverhead: true,
    requests: { cpu: "5", memory: "17" },
    limits: { cpu: "10", memory: "34" },
  },
  {
    name: "two containers with overhead excluded",
    pod: pod({ containers: twoContainers, overhead: { cpu: "3", memory: "8" } }),
    excludeOverhead: true,
    requests: { cpu: "5", memory: "17" },
    limits: { cpu: "10", memory: "34" },
  },
  {
    name: "massive init container: the largest init wins",
    pod: pod({
      containers: twoContainers,
      overhead: { cpu: "3", memory: "8" },
      initContainers: [
        c({ cpu: "1", memory: "5" }, { cpu: "1", memory: "5" }),
        c({ cpu: "40", memory: "120" }, { cpu: "80", memory: "240" }),
      ],
    }),
    excludeOverhead: true,
    requests: { cpu: "40", memory: "120" },
    limits: { cpu: "80", memory: "240" },
  },
  // TestPodResourceRequests
  {
    name: "larger init container",
    pod: pod({ initContainers: [c({ cpu: "4" })], containers: [c({ cpu: "1" })] }),
    requests: { cpu: "4" },
  },
  {
    name: "larger containers",
    pod: pod({ initContainers: [c({ cpu: "2" })], containers: [c({ cpu: "2" }), c({ cpu: "3" })] }),
    requests: { cpu: "5" },
  },
  {
    name: "pod overhead excluded",
    pod: pod({
      overhead: { cpu: "1" },
      initContainers: [c({ cpu: "2" })],
      containers: [c({ cpu: "2" }), c({ cpu: "3" })],
    }),
    excludeOverhead: true,
    requests: { cpu: "5" },
  },
  {
    name: "pod overhead included (a resource only in overhead is requested)",
    pod: pod({
      overhead: { cpu: "1", memory: "1Gi" },
      initContainers: [c({ cpu: "2" }, { cpu: "2" })],
      containers: [c({ cpu: "2" }), c({ cpu: "3" })],
    }),
    requests: { cpu: "6", memory: "1Gi" },
  },
  {
    name: "restartable init container",
    pod: pod({
      initContainers: [sidecar({ cpu: "1" }, { cpu: "1" })],
      containers: [c({ cpu: "1" }, { cpu: "1" })],
    }),
    requests: { cpu: "2" },
    limits: { cpu: "2" },
  },
  {
    name: "multiple restartable init containers: max(5, 1+2+3 + 1)",
    pod: pod({
      initContainers: [
        c({ cpu: "5" }, { cpu: "5" }),
        sidecar({ cpu: "1" }, { cpu: "1" }),
        sidecar({ cpu: "2" }, { cpu: "2" }),
        sidecar({ cpu: "3" }, { cpu: "3" }),
      ],
      containers: [c({ cpu: "1" }, { cpu: "1" })],
    }),
    requests: { cpu: "7" },
    limits: { cpu: "7" },
  },
  {
    name: "multiple restartable and regular init: init-2 needs 5 + the sidecars before it",
    pod: pod({
      initContainers: [
        c({ cpu: "5" }, { cpu: "5" }),
        sidecar({ cpu: "1" }, { cpu: "1" }),
        sidecar({ cpu: "2" }, { cpu: "2" }),
        c({ cpu: "5" }, { cpu: "5" }),
        sidecar({ cpu: "3" }, { cpu: "3" }),
      ],
      containers: [c({ cpu: "1" }, { cpu: "1" })],
    }),
    requests: { cpu: "8" },
    limits: { cpu: "8" },
  },
  {
    name: "restartable-init, init and regular: 10 + 200",
    pod: pod({
      initContainers: [sidecar({ cpu: "10" }, { cpu: "10" }), c({ cpu: "200" }, { cpu: "200" })],
      containers: [c({ cpu: "100" }, { cpu: "100" })],
    }),
    requests: { cpu: "210" },
    limits: { cpu: "210" },
  },
  {
    name: "max of sums, not sum of maxes",
    pod: pod({ containers: [c({ cpu: "1" }), c({ cpu: "2" })] }),
    requests: { cpu: "3" },
  },
  // TestPodResourceLimits
  {
    name: "limits with overhead: only set limits grow",
    pod: pod({
      overhead: { cpu: "1", memory: "1Gi" },
      initContainers: [c({}, { cpu: "2" })],
      containers: [c({}, { cpu: "2" }), c({}, { cpu: "3" })],
    }),
    limits: { cpu: "6" },
  },
  {
    name: "no limited containers: no limits",
    pod: pod({ initContainers: [], containers: [{}] }),
    limits: {},
  },
  {
    name: "one limited and one unlimited container",
    pod: pod({ containers: [c({}, { cpu: "2", memory: "2Gi" }), {}] }),
    limits: { cpu: "2", memory: "2Gi" },
  },
  {
    name: "one limited and one unlimited init container",
    pod: pod({
      initContainers: [c({}, { cpu: "2", memory: "2Gi" }), {}],
      containers: [c({}, { cpu: "1", memory: "1Gi" })],
    }),
    limits: { cpu: "2", memory: "2Gi" },
  },
  // Beyond the Go tables: generic resources and pod-level resources.
  {
    name: "extended and hugepages resources add like cpu",
    pod: pod({
      containers: [
        c({ "nvidia.com/gpu": "1", "hugepages-2Mi": "4Mi", "ephemeral-storage": "1Gi" }),
        c({ "nvidia.com/gpu": "2" }),
      ],
      initContainers: [c({ "nvidia.com/gpu": "4" })],
    }),
    requests: { "ephemeral-storage": "1Gi", "hugepages-2Mi": "4Mi", "nvidia.com/gpu": "4" },
  },
  {
    name: "pod-level resources replace the container aggregate for cpu and memory",
    pod: pod({
      resources: { requests: { cpu: "4", memory: "1Gi" }, limits: { cpu: "8" } },
      containers: [c({ cpu: "1", "ephemeral-storage": "1Gi" }, { cpu: "1" })],
      overhead: { cpu: "250m" },
    }),
    requests: { cpu: "4250m", memory: "1Gi", "ephemeral-storage": "1Gi" },
    limits: { cpu: "8250m" },
  },
];

const text = (list: ReadonlyMap<string, bigint>): R => formatResourceList(list);
/** Compares quantities by value: "1536Mi" and "1.5Gi" are the same amount. */
const normal = (list: R): R =>
  text(
    new Map(
      Object.entries(list).map(([k, v]) => [
        k,
        podRequests(pod({ containers: [c({ [k]: v })] })).get(k) ?? 0n,
      ]),
    ),
  );

describe("podRequests / podLimits (Kubernetes' PodRequests/PodLimits cases)", () => {
  it.each(cases)("$name", (testCase) => {
    const options = { excludeOverhead: testCase.excludeOverhead === true };
    if (testCase.requests !== undefined)
      expect(text(podRequests(testCase.pod, options))).toEqual(normal(testCase.requests));
    if (testCase.limits !== undefined)
      expect(text(podLimits(testCase.pod, options))).toEqual(normal(testCase.limits));
  });

  it("does not mutate the pod", () => {
    const subject = pod({
      containers: twoContainers,
      initContainers: [sidecar({ cpu: "1" })],
      overhead: { cpu: "1" },
    });
    const before = JSON.stringify(subject);
    podRequests(subject);
    podLimits(subject);
    expect(JSON.stringify(subject)).toBe(before);
  });
});

describe("podFootprint", () => {
  it.each([
    [{ spec: { nodeName: "n1" }, status: { phase: "Running" } }, "scheduled"],
    [{ spec: { nodeName: "n1" }, status: { phase: "Pending" } }, "scheduled"],
    [{ spec: {}, status: { phase: "Pending" } }, "pending"],
    [{ spec: { nodeName: "" } }, "pending"],
    [{ spec: { nodeName: "n1" }, status: { phase: "Succeeded" } }, "terminated"],
    [{ spec: {}, status: { phase: "Failed" } }, "terminated"],
  ] as const)("%j is %s", (subject, placement) => {
    expect(podPlacement(subject)).toBe(placement);
  });

  it("counts one pod slot beside the requests", () => {
    const footprint = podFootprint({
      metadata: { namespace: "a", labels: { team: "x" } },
      spec: { nodeName: "n1", containers: [c({ cpu: "100m" }, { memory: "1Gi" })] },
    });
    expect(text(footprint.requests)).toEqual({ cpu: "100m", pods: "1" });
    expect(text(footprint.limits)).toEqual({ memory: "1Gi" });
    expect(footprint).toMatchObject({
      placement: "scheduled",
      nodeName: "n1",
      namespace: "a",
      labels: { team: "x" },
    });
  });
});
