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
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Service,
} from "@kubernetes/client-node";
import { capacityClient, type CapacityClient } from "./capacity.js";
import { resourceClient, type ResourceClient } from "./resource-client.js";
import { Transport, type SleepFunction } from "./transport.js";

export * from "./errors.js";
export type * from "./capacity.js";
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
  /** capacity.krm.dev: node pools, consumers, fit reviews and capacity leases. */
  readonly capacity: CapacityClient;
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
  return {
    pods: resourceClient<V1Pod>(transport, { group: "", version: "v1", plural: "pods", modelType: "V1Pod" }),
    deployments: resourceClient<V1Deployment>(transport, {
      group: "apps",
      version: "v1",
      plural: "deployments",
      modelType: "V1Deployment",
    }),
    persistentVolumeClaims: resourceClient<V1PersistentVolumeClaim>(transport, {
      group: "",
      version: "v1",
      plural: "persistentvolumeclaims",
      modelType: "V1PersistentVolumeClaim",
    }),
    services: resourceClient<V1Service>(transport, {
      group: "",
      version: "v1",
      plural: "services",
      modelType: "V1Service",
    }),
    ingresses: resourceClient<V1Ingress>(transport, {
      group: "networking.k8s.io",
      version: "v1",
      plural: "ingresses",
      modelType: "V1Ingress",
    }),
    nodes: resourceClient<V1Node>(transport, {
      group: "",
      version: "v1",
      plural: "nodes",
      modelType: "V1Node",
    }),
    capacity: capacityClient(transport),
    resource: <T>(group: string, version: string, plural: string, modelType?: string) =>
      resourceClient<T>(transport, {
        group,
        version,
        plural,
        ...(modelType !== undefined ? { modelType } : {}),
      }),
  };
}
