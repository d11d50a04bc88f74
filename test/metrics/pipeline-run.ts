/**
 * A real krm pipeline for the metrics tests: streamer, verifier and aggregator of one kind
 * against the shared control plane, a real redis-server and influxd, the metrics exporter,
 * and a pod churn whose deletions carry a deletionTimestamp (pods are created with a
 * finalizer, deleted, then released), so both ADDED and DELETED delays exist.
 */
import { CoreV1Api, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { startAggregator } from "../../aggregator/index.js";
import { findBuiltinKind, type KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startStreamer } from "../../streamer/index.js";
import { startVerifier } from "../../verifier/index.js";

export const HOLD_FINALIZER = "krm.test/hold";

export function podsKind(): KindSpec {
  const kind = findBuiltinKind("pods");
  if (kind === undefined) throw new Error("pods kind missing");
  return kind;
}

export async function startPipeline(options: {
  kind: KindSpec;
  kubeConfig: KubeConfig;
  redisUrl: string;
  logger: Logger;
  verifyIntervalMs: number;
}): Promise<RunningPart[]> {
  const { kind, kubeConfig, redisUrl, logger, verifyIntervalMs } = options;
  return [
    await startStreamer({ kind, kubeConfig, redisUrl, logger: logger.child({ part: "streamer" }) }),
    await startVerifier({
      kind,
      kubeConfig,
      redisUrl,
      logger: logger.child({ part: "verifier" }),
      verifyIntervalMs,
    }),
    await startAggregator({ kind, redisUrl, logger: logger.child({ part: "aggregator" }) }),
  ];
}

export async function stopAll(parts: readonly RunningPart[]): Promise<void> {
  await Promise.all(parts.map((part) => part.stop()));
}

/** Creates, deletes and releases pods in one namespace. */
export class PodChurn {
  private readonly core: CoreV1Api;
  created = 0;
  deleted = 0;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async createNamespace(): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name: this.namespace } } });
  }

  async create(name: string): Promise<void> {
    const body: V1Pod = {
      metadata: { name, namespace: this.namespace, finalizers: [HOLD_FINALIZER], labels: { app: "churn" } },
      spec: { containers: [{ name: "c", image: "registry.invalid/none:1" }] },
    };
    await this.core.createNamespacedPod({ namespace: this.namespace, body });
    this.created += 1;
  }

  /** Deletes (sets deletionTimestamp: the finalizer holds it) then releases it (DELETED). */
  async delete(name: string): Promise<void> {
    await this.core.deleteNamespacedPod({ name, namespace: this.namespace });
    const pod = await this.core.readNamespacedPod({ name, namespace: this.namespace });
    await this.core.replaceNamespacedPod({
      name,
      namespace: this.namespace,
      body: { ...pod, metadata: { ...pod.metadata, finalizers: [] } },
    });
    this.deleted += 1;
  }

  /** `count` pods created then deleted, `pauseMs` apart. */
  async cycle(prefix: string, count: number, pauseMs: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await this.create(`${prefix}-${i}`);
      await pause(pauseMs);
    }
    for (let i = 0; i < count; i++) {
      await this.delete(`${prefix}-${i}`);
      await pause(pauseMs);
    }
  }
}

/** Paces the churn (load shaping, not synchronization). */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
