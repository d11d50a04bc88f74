/**
 * What a node offers: its allocatable (capacity minus what the kubelet reserves), and
 * whether new pods may land on it. A node is closed to new pods when cordoned
 * (`spec.unschedulable`) or tainted NoSchedule/NoExecute (pods that tolerate the taint may
 * still land: see scheduling.ts). Figures keep such nodes apart instead of counting their
 * allocatable as room.
 */
import { parseResourceList, type MutableResourceList } from "./resource-list.js";
import { taintsOf, type Taint } from "./scheduling.js";

export interface NodeLike {
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec?: { readonly unschedulable?: boolean; readonly taints?: readonly unknown[] };
  readonly status?: {
    readonly allocatable?: unknown;
    readonly capacity?: unknown;
    readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  };
}

export interface NodeCapacity {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** `status.allocatable`, or `status.capacity` when the kubelet has not reported allocatable. */
  readonly allocatable: MutableResourceList;
  readonly unschedulable: boolean;
  /** Taints that keep pods off (NoSchedule, NoExecute). */
  readonly blockingTaints: readonly Taint[];
  /** The Ready condition is True. */
  readonly ready: boolean;
}

export function nodeCapacity(node: NodeLike): NodeCapacity {
  const status = node.status;
  const allocatable = parseResourceList(status?.allocatable ?? status?.capacity);
  return {
    name: node.metadata?.name ?? "",
    labels: node.metadata?.labels ?? {},
    allocatable,
    unschedulable: node.spec?.unschedulable === true,
    blockingTaints: taintsOf(node.spec?.taints).filter(
      (t) => t.effect === "NoSchedule" || t.effect === "NoExecute",
    ),
    ready: (status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
  };
}

/** Open to new pods in general: not cordoned and no NoSchedule/NoExecute taint. */
export function isOpen(node: NodeCapacity): boolean {
  return !node.unschedulable && node.blockingTaints.length === 0;
}
