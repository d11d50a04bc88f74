/**
 * The typed krm client (`krm/client`):
 *
 * ```ts
 * const krm = createKrmClient({ baseUrl: "http://127.0.0.1:8080", token });
 * const pods = await krm.pods.list({ namespace: "default", labelSelector: "app=web" });
 * for await (const event of krm.pods.watch({ resourceVersion: pods.metadata.resourceVersion })) { … }
 * ```
 *
 * Results are @kubernetes/client-node model types (`V1Pod`, …) with `Date` timestamps.
 */
import type {
  V1Deployment,
  V1Ingress,
  V1Namespace,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1ResourceQuota,
  V1Service,
} from "@kubernetes/client-node";
import { capacityClient, type CapacityClient } from "./capacity.js";
import { usageClient, type UsageClient } from "./usage.js";
import { BUILTIN_KINDS } from "../core/kinds.js";
import { resourceClient, type ResourceClient } from "./resource-client.js";
import { Transport, type SleepFunction } from "./transport.js";

export * from "./errors.js";
export type * from "./capacity.js";
export type * from "./usage.js";
export { DanfoMissingError, type DataFrame } from "./dataframe.js";
export type {
  Freshness,
  KrmList,
  ListOptions,
  ResourceClient,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from "./resource-client.js";
export { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from "./transport.js";

export interface KrmClientOptions {
  /** Where krm's API listens, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Bearer token (auth=token or auth=kubernetes). */
  readonly token?: string;
  /** Per-request deadline in ms (watches: until the stream starts); default 30 s. */
  readonly timeoutMs?: number;
  /** Retries on 503/429 and connection errors, with backoff honouring Retry-After; default 3. */
  readonly retries?: number;
  /** For tests: how to wait between retries. */
  readonly sleep?: SleepFunction;
}

export interface KrmClient {
  readonly pods: ResourceClient<V1Pod>;
  readonly deployments: ResourceClient<V1Deployment>;
  readonly persistentVolumeClaims: ResourceClient<V1PersistentVolumeClaim>;
  readonly services: ResourceClient<V1Service>;
  readonly ingresses: ResourceClient<V1Ingress>;
  readonly nodes: ResourceClient<V1Node>;
  /** Served unless krm runs with --no-capacity. */
  readonly namespaces: ResourceClient<V1Namespace>;
  /** Served unless krm runs with --no-capacity. */
  readonly resourceQuotas: ResourceClient<V1ResourceQuota>;
  /** capacity.krm.dev: node pools, consumers, fit reviews and capacity leases. */
  readonly capacity: CapacityClient;
  /** usage.krm.dev: usage reviews (reserved hours, ratio, cost) and right-sizing recommendations. */
  readonly usage: UsageClient;
  /**
   * Any resource krm serves, by group ("" for core), version and plural. Pass the
   * client-node model name (e.g. "V1ConfigMap") to get typed, deserialized objects.
   */
  resource<T = Record<string, unknown>>(
    group: string,
    version: string,
    plural: string,
    modelType?: string,
  ): ResourceClient<T>;
}

export function createKrmClient(options: KrmClientOptions): KrmClient {
  const transport = new Transport(options);
  // Group, version and plural of each typed member come from the one kind registry.
  const builtin = <T>(id: string, modelType: string): ResourceClient<T> => {
    const kind = BUILTIN_KINDS.find((candidate) => candidate.id === id);
    if (kind === undefined) throw new Error(`no built-in kind ${id}`);
    return resourceClient<T>(transport, {
      group: kind.group,
      version: kind.version,
      plural: kind.resource,
      modelType,
    });
  };
  return {
    pods: builtin<V1Pod>("pods", "V1Pod"),
    deployments: builtin<V1Deployment>("deployments.apps", "V1Deployment"),
    persistentVolumeClaims: builtin<V1PersistentVolumeClaim>(
      "persistentvolumeclaims",
      "V1PersistentVolumeClaim",
    ),
    services: builtin<V1Service>("services", "V1Service"),
    ingresses: builtin<V1Ingress>("ingresses.networking.k8s.io", "V1Ingress"),
    nodes: builtin<V1Node>("nodes", "V1Node"),
    namespaces: builtin<V1Namespace>("namespaces", "V1Namespace"),
    resourceQuotas: builtin<V1ResourceQuota>("resourcequotas", "V1ResourceQuota"),
    capacity: capacityClient(transport),
    usage: usageClient(transport),
    resource: <T>(group: string, version: string, plural: string, modelType?: string) =>
      resourceClient<T>(transport, {
        group,
        version,
        plural,
        ...(modelType !== undefined ? { modelType } : {}),
      }),
  };
}
