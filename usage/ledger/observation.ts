/**
 * What the ledger learns from one change of a pod or a PersistentVolumeClaim: whether the
 * object reserves resources from now on, since when, at which rates, and for which groups.
 * Pure: a change and the time it was committed to the feed map to one observation.
 *
 * A pod reserves its effective requests (capacity/model's `podFootprint`, the scheduler's
 * rule) while it is bound to a node and not finished: from the time it was scheduled (the
 * `PodScheduled` condition's transition, else `status.startTime`, else its creation) until
 * its containers finished (Succeeded/Failed: the latest `finishedAt`) or it was deleted (the
 * earlier of its `deletionTimestamp` and the moment krm saw it gone). A claim reserves its
 * storage (capacity/model's `pvcStorage`: bound capacity, else the request) from its creation
 * until it is deleted. Object timestamps have one-second resolution; see usage/README.md for
 * the accuracy this gives.
 */
import { podFootprint, pvcStorage, type PodLike, type PvcLike } from "../../capacity/model/index.js";
import type { WatchEventType } from "../../core/records.js";
import { addRate, type Rates } from "./rates.js";

/** The groups every usage figure is rolled up by: `namespace:<ns>` and `label:<key>=<value>` (value "" when unset). */
export function groupsOf(
  namespace: string,
  labels: Readonly<Record<string, string>>,
  labelKeys: readonly string[],
): string[] {
  return [`namespace:${namespace}`, ...labelKeys.map((key) => `label:${key}=${labels[key] ?? ""}`)];
}

/** The inverse of {@link groupsOf} for one group: `namespace:shop` → `{ groupBy: "namespace", value: "shop" }`,
 * `label:team=a` → `{ groupBy: "label:team", value: "a" }`; undefined for anything else. */
export function splitGroup(group: string): { groupBy: string; value: string } | undefined {
  if (group.startsWith("namespace:")) return { groupBy: "namespace", value: group.slice(10) };
  const equals = group.indexOf("=");
  if (!group.startsWith("label:") || equals < 0) return undefined;
  return { groupBy: group.slice(0, equals), value: group.slice(equals + 1) };
}

/** What an object reserves: `rates` per second for each of `groups`, from `since` (ms). */
export interface Reservation {
  readonly since: number;
  readonly rates: Rates;
  readonly groups: readonly string[];
}

/**
 * One change as the ledger applies it (usage/ledger/ledger-script.ts):
 * - `reserving` set, `until` absent: it reserves, from `since` on, until a later change says otherwise;
 * - `reserving` and `until` set: it reserved from `since` until `until` and is finished;
 * - `reserving` absent: it reserves nothing (a pending pod), or, with `until`, it stopped then.
 */
export interface Observation {
  readonly uid: string;
  /** resourceVersion of the change, a decimal string: the ledger applies each uid's changes once, in order. */
  readonly rv: string;
  /** When the change was committed to the feed (ms): where a change of rates or groups splits an interval. */
  readonly at: number;
  readonly reserving?: Reservation;
  readonly until?: number;
}

export interface ObserveOptions {
  /** Label keys whose values the ledger rolls up by, besides namespaces. */
  readonly labelKeys: readonly string[];
  /** Extended resources counted as GPUs (e.g. `nvidia.com/gpu`); see rates.ts. */
  readonly isGpu: (resource: string) => boolean;
}

interface Metadata {
  readonly uid?: string;
  readonly namespace?: string;
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

interface PodObject extends PodLike {
  readonly metadata?: PodLike["metadata"] & Metadata;
  readonly status?: {
    readonly phase?: string;
    readonly startTime?: string;
    readonly conditions?: readonly {
      readonly type?: string;
      readonly status?: string;
      readonly lastTransitionTime?: string;
    }[];
    readonly containerStatuses?: readonly ContainerStatus[];
    readonly initContainerStatuses?: readonly ContainerStatus[];
  };
}

interface ContainerStatus {
  readonly state?: { readonly terminated?: { readonly finishedAt?: string } };
}

interface PvcObject extends PvcLike {
  readonly metadata?: PvcLike["metadata"] & Metadata;
}

/** Unix ms of a Kubernetes timestamp; undefined when absent or unreadable. */
export function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

export function observePod(
  type: WatchEventType,
  rv: string,
  pod: PodObject,
  at: number,
  options: ObserveOptions,
): Observation | undefined {
  const uid = pod.metadata?.uid;
  if (uid === undefined || uid === "") return undefined;
  const footprint = podFootprint(pod);
  const deletion =
    type === "DELETED" ? Math.min(timeOf(pod.metadata?.deletionTimestamp) ?? at, at) : undefined;
  if (footprint.placement === "pending")
    return deletion === undefined ? { uid, rv, at } : { uid, rv, at, until: deletion };
  const rates: Rates = {};
  for (const [resource, milli] of footprint.requests) {
    const amount = Number(milli) / 1000;
    if (resource === "cpu") addRate(rates, "cpu", amount);
    else if (resource === "memory") addRate(rates, "memory", amount);
    else if (options.isGpu(resource)) addRate(rates, "gpu", amount);
  }
  const reserving: Reservation = {
    since: Math.min(scheduledAt(pod) ?? at, at),
    rates,
    groups: groupsOf(footprint.namespace, footprint.labels, options.labelKeys),
  };
  if (footprint.placement === "terminated") {
    const finished = Math.min(finishedAt(pod) ?? at, at, deletion ?? at);
    return { uid, rv, at, reserving, until: Math.max(finished, reserving.since) };
  }
  return deletion === undefined
    ? { uid, rv, at, reserving }
    : { uid, rv, at, reserving, until: Math.max(deletion, reserving.since) };
}

export function observePvc(
  type: WatchEventType,
  rv: string,
  pvc: PvcObject,
  at: number,
  options: ObserveOptions,
): Observation | undefined {
  const uid = pvc.metadata?.uid;
  if (uid === undefined || uid === "") return undefined;
  const storage = pvcStorage(pvc);
  const reserving: Reservation = {
    since: Math.min(timeOf(pvc.metadata?.creationTimestamp) ?? at, at),
    rates: storage.storage === 0n ? {} : { storage: Number(storage.storage) / 1000 },
    groups: groupsOf(storage.namespace, pvc.metadata?.labels ?? {}, options.labelKeys),
  };
  if (type !== "DELETED") return { uid, rv, at, reserving };
  const deletion = Math.min(timeOf(pvc.metadata?.deletionTimestamp) ?? at, at);
  return { uid, rv, at, reserving, until: Math.max(deletion, reserving.since) };
}

/** When the scheduler bound the pod: the PodScheduled=True transition, else the kubelet's start time, else creation. */
function scheduledAt(pod: PodObject): number | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "True");
  return (
    timeOf(scheduled?.lastTransitionTime) ??
    timeOf(pod.status?.startTime) ??
    timeOf(pod.metadata?.creationTimestamp)
  );
}

/** The latest container finish time of a finished pod; undefined when none is reported. */
function finishedAt(pod: PodObject): number | undefined {
  let latest: number | undefined;
  for (const status of [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
  ]) {
    const finished = timeOf(status.state?.terminated?.finishedAt);
    if (finished !== undefined && (latest === undefined || finished > latest)) latest = finished;
  }
  return latest;
}

/** The observation rule of a kind the ledger follows; undefined for other kinds. */
export function observerFor(
  kindId: string,
  options: ObserveOptions,
): ((type: WatchEventType, rv: string, object: unknown, at: number) => Observation | undefined) | undefined {
  if (kindId === "pods")
    return (type, rv, object, at) => observePod(type, rv, object as PodObject, at, options);
  if (kindId === "persistentvolumeclaims")
    return (type, rv, object, at) => observePvc(type, rv, object as PvcObject, at, options);
  return undefined;
}
