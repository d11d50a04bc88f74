/**
 * What one pod takes from the cluster, as every capacity figure counts it:
 * - `terminated` (phase Succeeded or Failed) takes nothing: its node has released it;
 * - `pending` (no `spec.nodeName` yet) is demand the cluster has not placed;
 * - `scheduled` (bound to a node) takes its effective requests on that node.
 * Requests also carry `pods: 1`, since a node's allocatable `pods` caps how many it runs.
 */
import { podLimits, podRequests, type PodLike } from "./pod-resources.js";
import { MILLI } from "./quantity.js";
import type { MutableResourceList } from "./resource-list.js";

export type PodPlacement = "scheduled" | "pending" | "terminated";

export interface PodFootprint {
  readonly placement: PodPlacement;
  /** The node it is bound to ("" when pending). */
  readonly nodeName: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Effective requests, plus `pods: 1`. */
  readonly requests: MutableResourceList;
  /** Effective limits (resources without a limit are absent). */
  readonly limits: MutableResourceList;
}

/** The resource name of a pod slot on a node. */
export const POD_SLOTS = "pods";

export function podPlacement(pod: PodLike): PodPlacement {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return "terminated";
  return (pod.spec?.nodeName ?? "") === "" ? "pending" : "scheduled";
}

/** Throws `QuantityError` on an unparsable quantity (the API server never stores one). */
export function podFootprint(pod: PodLike): PodFootprint {
  const requests = podRequests(pod);
  requests.set(POD_SLOTS, (requests.get(POD_SLOTS) ?? 0n) + MILLI);
  return {
    placement: podPlacement(pod),
    nodeName: pod.spec?.nodeName ?? "",
    namespace: pod.metadata?.namespace ?? "",
    labels: pod.metadata?.labels ?? {},
    requests,
    limits: podLimits(pod),
  };
}
