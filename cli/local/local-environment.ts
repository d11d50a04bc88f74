import { resolve } from "node:path";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import type { LoadedKubeConfig } from "../load-kubeconfig.js";
import { startPrivateRedis } from "../private-redis.js";
import { startDemoWorkload } from "./demo-workload.js";

export interface LocalEnvironmentOptions {
  /** Start a private redis-server too (when the user gave no --redis-url). */
  readonly startRedis: boolean;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
}

export interface LocalEnvironment {
  readonly kube: LoadedKubeConfig;
  /** Set when a private Redis was started. */
  readonly redisUrl: string | undefined;
  /** Control plane, Redis and workload, in start order. */
  readonly parts: RunningPart[];
}

/**
 * The local default of `krm run`: the test control plane (kube-apiserver + etcd built from
 * Go modules, see local/cluster), a private redis-server and a demo workload. Loaded lazily
 * so an in-cluster deployment never touches this code.
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const { logger, env } = options;
  const parts: RunningPart[] = [];
  const dir = resolve(env["KRM_CLUSTER_DIR"] ?? ".cluster");
  logger.info(
    { dir },
    "no cluster configured: starting a local control plane (first start builds it from Go modules)",
  );
  const { startLocalCluster } = await import("../../local/cluster/local-cluster.js");
  const cluster = await startLocalCluster({ dir });
  parts.push({ name: "local-cluster", stop: () => cluster.stop() });
  try {
    let redisUrl: string | undefined;
    if (options.startRedis) {
      const redis = await startPrivateRedis({ logger, env });
      parts.push(redis.part);
      redisUrl = redis.url;
    }
    const kubeConfig = cluster.kubeConfig();
    parts.push(await startDemoWorkload(kubeConfig, logger.child({ part: "demo-workload" })));
    logger.info({ kubeconfig: cluster.kubeconfigPath }, "local cluster ready");
    return { kube: { kubeConfig, source: "flag", server: cluster.url }, redisUrl, parts };
  } catch (error) {
    for (const part of [...parts].reverse()) await part.stop().catch(() => undefined);
    throw error;
  }
}
