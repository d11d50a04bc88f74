/**
 * Which workload a pod belongs to: its controller owner, with a ReplicaSet made by a
 * Deployment resolved to the Deployment. krm does not cache ReplicaSets, so the rule is the
 * Deployment controller's naming: it names each ReplicaSet `<deployment>-<pod-template-hash>`
 * and copies that hash into the `pod-template-hash` label of every pod it makes.
 * Recommendation names are `<kind>.<name>` in lower case (`deployment.web`), as design §7 says.
 */

/** The subset of a pod's metadata the rule reads. */
export interface OwnedPod {
  readonly metadata?: {
    readonly name?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly ownerReferences?: readonly {
      readonly kind?: string;
      readonly name?: string;
      readonly controller?: boolean;
    }[];
  };
}

/** The owner's kind: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, any other controller's kind, or Pod. */
export type WorkloadKind = string;

export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly name: string;
}

/** The pod's workload; a pod without a controller is its own workload (kind Pod). */
export function workloadOf(pod: OwnedPod): WorkloadRef {
  const owners = pod.metadata?.ownerReferences ?? [];
  const owner = owners.find((reference) => reference.controller === true) ?? owners[0];
  if (owner?.kind === undefined || owner.name === undefined)
    return { kind: "Pod", name: pod.metadata?.name ?? "" };
  if (owner.kind === "ReplicaSet") {
    const hash = pod.metadata?.labels?.["pod-template-hash"];
    if (hash !== undefined && hash !== "" && owner.name.endsWith(`-${hash}`))
      return { kind: "Deployment", name: owner.name.slice(0, -hash.length - 1) };
  }
  return { kind: owner.kind, name: owner.name };
}

/** `deployment.web`: the recommendation's object name. */
export function workloadName(workload: WorkloadRef): string {
  return `${workload.kind.toLowerCase()}.${workload.name}`;
}
