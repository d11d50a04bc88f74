/**
 * Running sums for one consumer (a namespace, or one value of the consumer label).
 */
import type { MutableResourceList } from "../model/index.js";

export interface ConsumerAggregate {
  readonly name: string;
  /** Effective requests of its scheduled, not terminated pods (with `pods: 1` each). */
  readonly requests: MutableResourceList;
  readonly limits: MutableResourceList;
  /** Requests of its pending (unscheduled) pods: demand not yet placed. */
  readonly pending: MutableResourceList;
  runningPods: number;
  pendingPods: number;
  /** PVC storage (milli-bytes) per storage class. */
  readonly storage: MutableResourceList;
  /** ResourceQuotas by key (namespace mode only): their status.hard and status.used. */
  readonly quotas: Map<string, { readonly hard: MutableResourceList; readonly used: MutableResourceList }>;
  /** The namespace object exists (namespace mode). */
  namespaceSeen: boolean;
  /** Labels of the namespace (namespace mode), for label selectors on consumers. */
  labels: Readonly<Record<string, string>>;
  version: bigint;
}

export function newConsumer(name: string): ConsumerAggregate {
  return {
    name,
    requests: new Map(),
    limits: new Map(),
    pending: new Map(),
    runningPods: 0,
    pendingPods: 0,
    storage: new Map(),
    quotas: new Map(),
    namespaceSeen: false,
    labels: {},
    version: 0n,
  };
}

export function isEmptyConsumer(consumer: ConsumerAggregate): boolean {
  return (
    !consumer.namespaceSeen &&
    consumer.runningPods === 0 &&
    consumer.pendingPods === 0 &&
    consumer.storage.size === 0 &&
    consumer.quotas.size === 0
  );
}
