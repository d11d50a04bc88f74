/**
 * `krm.capacity`: the capacity.krm.dev views (README "Capacity") with typed results.
 * Amounts are Kubernetes quantity strings ("1500m", "4Gi"); percentages are numbers.
 */
import type { Transport } from "./transport.js";

const BASE = "/apis/capacity.krm.dev/v1alpha1";

/** Quantity strings per resource name (`cpu`, `memory`, `nvidia.com/gpu`, ...). */
export type ResourceAmounts = Readonly<Record<string, string>>;
export type CapacityStatus = "Ok" | "Warning" | "Critical" | "Overcommitted";

interface Meta {
  readonly name: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface NodePool {
  readonly metadata: Meta;
  readonly spec: { readonly overcommit: number };
  readonly status: {
    readonly nodes: {
      readonly schedulable: number;
      readonly unschedulable: number;
      readonly notReady: number;
    };
    readonly allocatable: ResourceAmounts;
    readonly reservable: ResourceAmounts;
    readonly requested: ResourceAmounts;
    readonly limits: ResourceAmounts;
    readonly leased: ResourceAmounts;
    readonly free: ResourceAmounts;
    readonly percentUsed: Readonly<Record<string, number | null>>;
    readonly unschedulableNodes: {
      readonly allocatable: ResourceAmounts;
      readonly requested: ResourceAmounts;
    };
    readonly pending: { readonly pods: number; readonly requests: ResourceAmounts };
    readonly status: CapacityStatus;
    readonly reason: string;
  };
}

export interface Consumer {
  readonly metadata: Meta;
  readonly status: {
    readonly pods: { readonly running: number; readonly pending: number };
    readonly requests: ResourceAmounts;
    readonly limits: ResourceAmounts;
    readonly pending: ResourceAmounts;
    readonly storage: ResourceAmounts;
    readonly quota: {
      readonly hard: ResourceAmounts;
      readonly used: ResourceAmounts;
      readonly percentUsed: Readonly<Record<string, number | null>>;
    };
    readonly shareOfCluster: Readonly<Record<string, number | null>>;
    readonly status: CapacityStatus;
    readonly reason: string;
  };
}

export interface FitRequest {
  readonly replicas: number;
  /** One replica's requests; or pass `template` with a pod spec instead. */
  readonly requests?: ResourceAmounts;
  readonly template?: { readonly spec: Readonly<Record<string, unknown>> };
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Readonly<Record<string, string>>[];
  readonly policy?: "LeastUtilized" | "MostAllocated";
}

export interface FitResult {
  readonly fits: boolean;
  readonly replicasPlaced: number;
  readonly pools: readonly {
    readonly pool: string;
    readonly fits: number;
    readonly replicas: number;
    readonly score: number;
    readonly nodes: readonly { readonly node: string; readonly fits: number }[];
    readonly reason: string;
  }[];
}

export interface AcquireRequest {
  /** The lease name; default a generated `lease-xxxxx`. */
  readonly name?: string;
  /** Held on each chosen pool. */
  readonly resources: ResourceAmounts;
  /** How many pools (default 1). */
  readonly pools?: number;
  readonly ttlSeconds?: number;
  readonly holder?: string;
}

export interface CapacityLease {
  readonly metadata: Meta & { readonly uid: string; readonly creationTimestamp?: string };
  readonly spec: {
    readonly resources: ResourceAmounts;
    readonly pools: number;
    readonly ttlSeconds: number;
    readonly holder: string;
  };
  readonly status: {
    readonly phase: "Granted" | "Expired" | "Released";
    readonly pools: readonly string[];
    readonly expiresAt?: string;
  };
}

export interface CapacityClient {
  nodePools(options?: { labelSelector?: string }): Promise<NodePool[]>;
  nodePool(name: string): Promise<NodePool>;
  consumers(options?: { labelSelector?: string }): Promise<Consumer[]>;
  /** Where `replicas` copies of the request fit now; nothing is reserved. */
  fit(request: FitRequest): Promise<FitResult>;
  /** Reserves capacity; a 409 `KrmStatusError` says what is missing when it does not fit. */
  acquire(request: AcquireRequest): Promise<CapacityLease>;
  /** Extends a Granted lease's ttl (holder must match). */
  renew(name: string, holder: string, ttlSeconds: number, resources: ResourceAmounts): Promise<CapacityLease>;
  /** Releases a lease; returns it with phase Released. */
  release(name: string): Promise<CapacityLease>;
  leases(): Promise<CapacityLease[]>;
}

export function capacityClient(transport: Transport): CapacityClient {
  const list = async <T>(resource: string, labelSelector?: string): Promise<T[]> => {
    const query = new URLSearchParams(labelSelector !== undefined ? { labelSelector } : {});
    const response = await transport.get(`${BASE}/${resource}`, query);
    return ((await response.json()) as { items: T[] }).items;
  };
  const write = async <T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T> =>
    (await (await transport.send(method, `${BASE}/${path}`, body)).json()) as T;
  return {
    nodePools: (options) => list<NodePool>("nodepools", options?.labelSelector),
    nodePool: async (name) =>
      (await (
        await transport.get(`${BASE}/nodepools/${encodeURIComponent(name)}`, new URLSearchParams())
      ).json()) as NodePool,
    consumers: (options) => list<Consumer>("consumers", options?.labelSelector),
    fit: async (request) => {
      const { requests, ...rest } = request;
      const review = await write<{ status: FitResult }>("POST", "fitreviews", {
        apiVersion: "capacity.krm.dev/v1alpha1",
        kind: "FitReview",
        spec: { ...rest, ...(requests !== undefined ? { resources: { requests } } : {}) },
      });
      return review.status;
    },
    acquire: (request) =>
      write<CapacityLease>("POST", "capacityleases", {
        apiVersion: "capacity.krm.dev/v1alpha1",
        kind: "CapacityLease",
        metadata: request.name !== undefined ? { name: request.name } : { generateName: "lease-" },
        spec: {
          resources: request.resources,
          ...(request.pools !== undefined ? { pools: request.pools } : {}),
          ...(request.ttlSeconds !== undefined ? { ttlSeconds: request.ttlSeconds } : {}),
          ...(request.holder !== undefined ? { holder: request.holder } : {}),
        },
      }),
    renew: (name, holder, ttlSeconds, resources) =>
      write<CapacityLease>("PUT", `capacityleases/${encodeURIComponent(name)}`, {
        apiVersion: "capacity.krm.dev/v1alpha1",
        kind: "CapacityLease",
        metadata: { name },
        spec: { resources, ttlSeconds, holder },
      }),
    release: (name) => write<CapacityLease>("DELETE", `capacityleases/${encodeURIComponent(name)}`),
    leases: () => list<CapacityLease>("capacityleases"),
  };
}
