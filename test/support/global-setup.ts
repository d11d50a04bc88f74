import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { startControlPlane } from "../../local/cluster/control-plane.js";
import { SHARED_CLUSTER_KEY } from "./shared-cluster.js";

/** Logs of the shared control plane, kept after the run for post-mortems (git-ignored). */
export const SHARED_CLUSTER_LOG_DIR = resolve("test-artifacts", "shared-control-plane");

/**
 * vitest globalSetup of the integration project: starts one etcd + kube-apiserver for the
 * whole run (building them first if the cache is stale) and provides its coordinates to tests
 * (see shared-cluster.ts). The returned function stops it when the run ends.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await rm(SHARED_CLUSTER_LOG_DIR, { recursive: true, force: true });
  const controlPlane = await startControlPlane({ logDir: SHARED_CLUSTER_LOG_DIR });
  project.provide(SHARED_CLUSTER_KEY, {
    clusterUrl: controlPlane.url,
    kubeconfigPath: controlPlane.kubeconfigPath,
    adminToken: controlPlane.adminToken,
    caPath: controlPlane.caPath,
  });
  return () => controlPlane.stop();
}
