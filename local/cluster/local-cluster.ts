import { copyFile, mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { startControlPlane, type ControlPlane } from "../support/control-plane.js";
import { startLifelikeComponents, type LifelikeComponents } from "../support/lifelike-components.js";
import { ensureBinaries } from "./build.js";

/** Folder for the local cluster's kubeconfig and logs, relative to the working directory. */
export const DEFAULT_CLUSTER_DIR = ".cluster";

export interface LocalClusterOptions {
  /** Where `kubeconfig` and `logs/` go; default `$KRM_CLUSTER_DIR`, else `.cluster`. */
  readonly dir?: string;
  /** Progress of a (slow, first-time) build; default stderr. */
  readonly log?: (line: string) => void;
  /**
   * Also run kube-scheduler, kube-controller-manager and kwok, so pods get scheduled and
   * Running, nodes Ready and jobs finish (test/support/lifelike-components.ts); default true.
   */
  readonly lifelike?: boolean;
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
  const controlPlane = await startControlPlane({ binaries, logDir });
  const kubeconfigPath = join(dir, "kubeconfig");
  let components: LifelikeComponents | undefined;
  try {
    if (options.lifelike !== false) {
      components = await startLifelikeComponents(controlPlane, { binaries, logDir });
    }
    await copyFile(controlPlane.kubeconfigPath, kubeconfigPath);
  } catch (error) {
    await components?.stop();
    await controlPlane.stop();
    throw error;
  }
  return {
    ...controlPlane,
    kubeconfigPath,
    stop: async () => {
      await components?.stop();
      await controlPlane.stop();
      await rm(kubeconfigPath, { force: true });
    },
  };
}
