import type { V1Node, V1Taint } from "@kubernetes/client-node";
import { lifelikeNode, type NodeResources } from "../../local/cluster/lifelike-node.js";

/** The label that names a node's pool, as GKE sets it (one of the labels krm's pools read). */
export const DEMO_POOL_LABEL = "cloud.google.com/gke-nodepool";

/** The taint GKE puts on GPU nodes, so only pods that tolerate it land there. */
export const GPU_TAINT: V1Taint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };

interface DemoNodePool {
  readonly name: string;
  readonly nodes: number;
  readonly instanceType: string;
  readonly allocatable: NodeResources;
  readonly taints?: readonly V1Taint[];
}

/** Three pools of different sizes; kwok makes their nodes Ready with this allocatable. */
export const DEMO_NODE_POOLS: readonly DemoNodePool[] = [
  {
    name: "general",
    nodes: 3,
    instanceType: "e2-standard-4",
    allocatable: { cpu: "3920m", memory: "13Gi", pods: "110", "ephemeral-storage": "90Gi" },
  },
  {
    name: "highmem",
    nodes: 2,
    instanceType: "e2-highmem-8",
    allocatable: { cpu: "7910m", memory: "58Gi", pods: "110", "ephemeral-storage": "180Gi" },
  },
  {
    name: "gpu",
    nodes: 1,
    instanceType: "a2-highgpu-2g",
    allocatable: {
      cpu: "23",
      memory: "160Gi",
      pods: "110",
      "ephemeral-storage": "350Gi",
      "nvidia.com/gpu": "2",
    },
    taints: [GPU_TAINT],
  },
];

/** The Nodes of {@link DEMO_NODE_POOLS}, named `<pool>-<n>`. */
export function demoNodes(): V1Node[] {
  return DEMO_NODE_POOLS.flatMap((pool) =>
    Array.from({ length: pool.nodes }, (_, index) =>
      lifelikeNode(`${pool.name}-${index + 1}`, {
        labels: {
          [DEMO_POOL_LABEL]: pool.name,
          "node.kubernetes.io/instance-type": pool.instanceType,
          "krm.dev/demo": "true",
        },
        allocatable: pool.allocatable,
        ...(pool.taints === undefined ? {} : { taints: pool.taints }),
      }),
    ),
  );
}
