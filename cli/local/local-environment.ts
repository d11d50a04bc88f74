import { resolve } from "node:path";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import type { LoadedKubeConfig } from "../load-kubeconfig.js";
import { startPrivateRedis } from "../private-redis.js";
import { StartedParts } from "../started-parts.js";
import { startDemoWorkload } from "./demo-workload.js";

export interface LocalEnvironmentOptions {
  /** Start a private redis-server too (when the user gave no --redis-url). */
  readonly startRedis: boolean;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** A stop signal while starting: what started so far is stopped and the start rejects. */
  readonly signal: AbortSignal;
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
 * so an in-cluster deployment never touches this code. On failure or abort it stops what it
 * started before rejecting.
 */
export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const { logger, env, signal } = options;
  const started = new StartedParts(signal);
  const dir = resolve(env["KRM_CLUSTER_DIR"] ?? ".cluster");
  logger.info(
    { dir },
    "no cluster configured: starting a local control plane (first start builds it from Go modules)",
  );
  const { startLocalCluster } = await import("../../local/cluster/local-cluster.js");
  const cluster = await startLocalCluster({ dir, signal });
  try {
    started.add({ name: "local-cluster", stop: () => cluster.stop() });
    let redisUrl: string | undefined;
    if (options.startRedis) {
      const redis = await startPrivateRedis({ logger, env, signal });
      started.add(redis.part);
      redisUrl = redis.url;
    }
    const kubeConfig = cluster.kubeConfig();
    started.add(await startDemoWorkload(kubeConfig, logger.child({ part: "demo-workload" })));
    logger.info({ kubeconfig: cluster.kubeconfigPath }, "local cluster ready");
    return { kube: { kubeConfig, source: "flag", server: cluster.url }, redisUrl, parts: started.list() };
  } catch (error) {
    await started.stopAll(logger);
    throw error;
  }
}
