import { KubeConfig } from "@kubernetes/client-node";
import { inject } from "vitest";

/**
 * The control plane shared by all integration tests of one run, started once by
 * global-setup.ts. Tests must not break it: no restarts, no compaction, no cluster-wide
 * deletions; each test works in its own namespace. A test that needs faults starts its own
 * with startControlPlane().
 */
export interface SharedClusterInfo {
  /** https://127.0.0.1:<port> */
  readonly clusterUrl: string;
  /** Admin kubeconfig (token auth, CA embedded). */
  readonly kubeconfigPath: string;
  readonly adminToken: string;
  /** PEM file of the CA to trust for clusterUrl. */
  readonly caPath: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    krmSharedCluster: SharedClusterInfo;
  }
}

/** Key under which global-setup.ts provides the shared cluster. */
export const SHARED_CLUSTER_KEY = "krmSharedCluster";

/** The shared control plane's coordinates; only inside tests of the integration project. */
export function sharedCluster(): SharedClusterInfo & { kubeConfig(): KubeConfig } {
  const info = inject(SHARED_CLUSTER_KEY);
  return {
    ...info,
    kubeConfig: () => {
      const config = new KubeConfig();
      config.loadFromFile(info.kubeconfigPath);
      return config;
    },
  };
}
