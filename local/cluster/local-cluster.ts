import { copyFile, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ensureBinaries } from "./build.js";
import { startControlPlane, type ControlPlane } from "./control-plane.js";
import { startLifelikeCluster } from "./lifelike-cluster.js";

/** Folder for the local cluster's kubeconfig and logs, relative to the working directory. */
export const DEFAULT_CLUSTER_DIR = ".cluster";

export interface LocalClusterOptions {
  /** Where `kubeconfig` and `logs/` go; default `$KRM_CLUSTER_DIR`, else `.cluster`. */
  readonly dir?: string;
  /** Progress of a (slow, first-time) build; default stderr. */
  readonly log?: (line: string) => void;
  /**
   * Also run kube-scheduler, kube-controller-manager and kwok, so pods get scheduled and
   * Running, nodes Ready and jobs finish (lifelike-components.ts); default true.
   */
  readonly lifelike?: boolean;
  /** Aborting it while the cluster is starting stops what started; the start rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** A local control plane whose admin kubeconfig sits at a stable path (`<dir>/kubeconfig`). */
export type LocalCluster = ControlPlane;

/**
 * Builds kube-apiserver and etcd (and the lifelike components) if the cache is stale, starts
 * them on free loopback ports and writes the admin kubeconfig to `<dir>/kubeconfig`; for
 * `npm run cluster:up` and for `krm run` when no kubeconfig is given. Certificates and etcd
 * data are temporary: each start is an empty cluster. `stop` stops the servers and removes the
 * kubeconfig (it would point at nothing); the logs stay in `<dir>/logs`.
 */
export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalCluster> {
  const dir = resolve(options.dir ?? process.env["KRM_CLUSTER_DIR"] ?? DEFAULT_CLUSTER_DIR);
  const logDir = join(dir, "logs");
  await mkdir(logDir, { recursive: true });
  const binaries = await ensureBinaries(options.log === undefined ? {} : { log: options.log });
  // A build can take minutes; a stop signal during it starts no server afterwards.
  options.signal?.throwIfAborted();
  const start = options.lifelike === false ? startControlPlane : startLifelikeCluster;
  const cluster = await start({ binaries, logDir, signal: options.signal });
  const kubeconfigPath = join(dir, "kubeconfig");
  try {
    await copyFile(cluster.kubeconfigPath, kubeconfigPath);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    ...cluster,
    kubeconfigPath,
    stop: async () => {
      await cluster.stop();
      await rm(kubeconfigPath, { force: true });
    },
  };
}
