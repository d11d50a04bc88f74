/**
 * Which node pool a node belongs to. With a configured label (`--capacity-pool-label`) its
 * value names the pool; without one, the first present of the well-known pool labels of the
 * managed offerings, then the instance type, else the single pool `all`.
 * A node missing the configured label goes to `UNLABELLED_POOL`.
 */
export const WELL_KNOWN_POOL_LABELS: readonly string[] = [
  "cloud.google.com/gke-nodepool", // GKE
  "eks.amazonaws.com/nodegroup", // EKS managed node groups
  "kubernetes.azure.com/agentpool", // AKS
  "karpenter.sh/nodepool", // Karpenter
  "node.kubernetes.io/instance-type", // any cloud: same-shaped machines
];

export const DEFAULT_POOL = "all";
export const UNLABELLED_POOL = "(none)";

export function poolOf(labels: Readonly<Record<string, string>>, poolLabel?: string): string {
  if (poolLabel !== undefined && poolLabel !== "") return labels[poolLabel] || UNLABELLED_POOL;
  for (const label of WELL_KNOWN_POOL_LABELS) {
    const value = labels[label];
    if (value !== undefined && value !== "") return value;
  }
  return DEFAULT_POOL;
}
