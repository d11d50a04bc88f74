/**
 * A pod's effective requests and limits: the rule of Kubernetes' `PodRequests`/`PodLimits`
 * (`k8s.io/component-helpers/resource`), which the scheduler and the kubelet both use.
 *
 *   app      = Σ app containers + Σ restartable init containers (sidecars run beside them)
 *   init_i   = init container i + Σ restartable init containers started before it
 *              (a restartable init container's own step is the running Σ including itself)
 *   pod      = max(app, max_i init_i) per resource, then + overhead
 *
 * Overhead is added to every requested resource it names, but only to limits that are set
 * (an unlimited resource stays unlimited). Pod-level `spec.resources` (PodLevelResources),
 * when set for cpu or memory, replaces the container aggregate for that resource.
 * In-place resize status (`UseStatusResources`) is not modelled: krm reads the spec.
 */
import { addInto, maxInto, parseResourceList, type MutableResourceList } from "./resource-list.js";

/** The subset of a container the rule reads. */
export interface ContainerLike {
  readonly name?: string;
  readonly restartPolicy?: string;
  readonly resources?: { readonly requests?: unknown; readonly limits?: unknown };
}

/** The subset of a pod the capacity model reads (a pod's JSON satisfies it). */
export interface PodLike {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: {
    readonly nodeName?: string;
    readonly containers?: readonly ContainerLike[];
    readonly initContainers?: readonly ContainerLike[];
    readonly overhead?: unknown;
    readonly resources?: { readonly requests?: unknown; readonly limits?: unknown };
    readonly nodeSelector?: Readonly<Record<string, string>>;
    readonly tolerations?: readonly unknown[];
  };
  readonly status?: { readonly phase?: string };
}

export interface PodResourcesOptions {
  /** Leave out `spec.overhead` (the scheduler's `ExcludeOverhead`). */
  readonly excludeOverhead?: boolean;
}

type Side = "requests" | "limits";

/** Resources pod-level `spec.resources` may set (PodLevelResources supports cpu and memory). */
const POD_LEVEL_RESOURCES: readonly string[] = ["cpu", "memory"];

export function podRequests(pod: PodLike, options: PodResourcesOptions = {}): MutableResourceList {
  return podResources(pod, "requests", options);
}

export function podLimits(pod: PodLike, options: PodResourcesOptions = {}): MutableResourceList {
  return podResources(pod, "limits", options);
}

function podResources(pod: PodLike, side: Side, options: PodResourcesOptions): MutableResourceList {
  const total = aggregateContainers(pod, side);
  const podLevel = parseResourceList(pod.spec?.resources?.[side]);
  for (const name of POD_LEVEL_RESOURCES) {
    const amount = podLevel.get(name);
    if (amount !== undefined) total.set(name, amount);
  }
  if (options.excludeOverhead !== true) {
    for (const [name, amount] of parseResourceList(pod.spec?.overhead)) {
      const current = total.get(name);
      if (side === "requests") total.set(name, (current ?? 0n) + amount);
      else if (current !== undefined) total.set(name, current + amount);
    }
  }
  return total;
}

function aggregateContainers(pod: PodLike, side: Side): MutableResourceList {
  const total: MutableResourceList = new Map();
  for (const container of pod.spec?.containers ?? []) addInto(total, ownResources(container, side));
  const restartable: MutableResourceList = new Map();
  const initPeak: MutableResourceList = new Map();
  for (const container of pod.spec?.initContainers ?? []) {
    const own = ownResources(container, side);
    if (container.restartPolicy === "Always") {
      addInto(total, own);
      addInto(restartable, own);
      maxInto(initPeak, restartable);
    } else {
      const step: MutableResourceList = new Map(own);
      addInto(step, restartable);
      maxInto(initPeak, step);
    }
  }
  maxInto(total, initPeak);
  return total;
}

function ownResources(container: ContainerLike, side: Side): MutableResourceList {
  return parseResourceList(container.resources?.[side]);
}
