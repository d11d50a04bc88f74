import type { V1Node, V1Taint } from "@kubernetes/client-node";

/** Quantities of a node's allocatable (and capacity), e.g. `{ cpu: "4", memory: "16Gi", pods: "110" }`. */
export type NodeResources = Readonly<Record<string, string>>;

export interface LifelikeNodeOptions {
  readonly labels?: Readonly<Record<string, string>>;
  /** What the scheduler may hand out; kwok keeps it when it makes the node Ready. */
  readonly allocatable: NodeResources;
  /** Machine size; default the allocatable. */
  readonly capacity?: NodeResources;
  readonly taints?: readonly V1Taint[];
  readonly unschedulable?: boolean;
}

/**
 * A Node to create in a lifelike cluster. Nodes may be created with their status (the kubelet
 * registers that way), so the allocatable is set in the create; kwok then adds the Ready
 * condition, addresses and node info and keeps the allocatable and capacity.
 */
export function lifelikeNode(name: string, options: LifelikeNodeOptions): V1Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        type: "kwok",
        ...options.labels,
      },
      annotations: { "kwok.x-k8s.io/node": "fake" },
    },
    spec: {
      ...(options.taints === undefined ? {} : { taints: [...options.taints] }),
      ...(options.unschedulable === undefined ? {} : { unschedulable: options.unschedulable }),
    },
    status: {
      allocatable: { ...options.allocatable },
      capacity: { ...(options.capacity ?? options.allocatable) },
    },
  };
}
