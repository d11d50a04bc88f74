/** Pods and claims with controlled timestamps and requests, for the ledger's integration tests. */
import { findBuiltinKind, type KindSpec } from "../../core/kinds.js";
import type { KubeObject } from "../../core/object-key.js";

export const HOUR = 3_600_000;

/** A built-in kind by id (`pods`, `persistentvolumeclaims`). */
export function builtinKind(id: string): KindSpec {
  const spec = findBuiltinKind(id);
  if (spec === undefined) throw new Error(`no kind ${id}`);
  return spec;
}

export interface PodFixture {
  readonly namespace: string;
  readonly name: string;
  readonly cpu: string;
  readonly memory: string;
  readonly gpu?: string;
  readonly labels?: Record<string, string>;
  /** Bound to a node at this time (ms); unbound (pending) when undefined. */
  readonly scheduledAt?: number;
  /** Succeeded at this time (ms). */
  readonly finishedAt?: number;
  readonly deletionAt?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function ledgerPod(fixture: PodFixture): KubeObject {
  const requests: Record<string, string> = { cpu: fixture.cpu, memory: fixture.memory };
  if (fixture.gpu !== undefined) requests["nvidia.com/gpu"] = fixture.gpu;
  const finished = fixture.finishedAt;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      namespace: fixture.namespace,
      name: fixture.name,
      uid: `uid-${fixture.namespace}-${fixture.name}`,
      resourceVersion: "1",
      creationTimestamp: iso((fixture.scheduledAt ?? Date.now()) - 1_000),
      ...(fixture.labels !== undefined ? { labels: fixture.labels } : {}),
      ...(fixture.deletionAt !== undefined ? { deletionTimestamp: iso(fixture.deletionAt) } : {}),
    },
    spec: {
      containers: [{ name: "app", image: "busybox", resources: { requests } }],
      ...(fixture.scheduledAt !== undefined ? { nodeName: "node-1" } : {}),
    },
    status: {
      phase: finished !== undefined ? "Succeeded" : fixture.scheduledAt !== undefined ? "Running" : "Pending",
      ...(fixture.scheduledAt !== undefined
        ? {
            conditions: [
              { type: "PodScheduled", status: "True", lastTransitionTime: iso(fixture.scheduledAt) },
            ],
          }
        : {}),
      ...(finished !== undefined
        ? {
            containerStatuses: [
              { name: "app", state: { terminated: { exitCode: 0, finishedAt: iso(finished) } } },
            ],
          }
        : {}),
    },
  };
}

export function ledgerClaim(
  namespace: string,
  name: string,
  storage: string,
  createdAt: number,
  deletionAt?: number,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      namespace,
      name,
      uid: `uid-pvc-${namespace}-${name}`,
      resourceVersion: "1",
      creationTimestamp: iso(createdAt),
      ...(deletionAt !== undefined ? { deletionTimestamp: iso(deletionAt) } : {}),
    },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
    status: { phase: "Bound", capacity: { storage } },
  };
}
