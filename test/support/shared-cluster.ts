import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { inject } from "vitest";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";

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

/** What tests get: the coordinates plus ready-made client configs. */
export interface SharedCluster extends SharedClusterInfo {
  /** A fresh @kubernetes/client-node config for the admin. */
  kubeConfig(): KubeConfig;
  /** Writes and returns an admin kubeconfig for another server URL (a fault proxy in front), same CA and token. */
  kubeconfigFor(server: string): string;
}

/** The shared control plane; only inside tests of the integration project. */
export function sharedCluster(): SharedCluster {
  const info = inject(SHARED_CLUSTER_KEY);
  let written = 0;
  let dir: string | undefined;
  return {
    ...info,
    kubeConfig: () => {
      const config = new KubeConfig();
      config.loadFromFile(info.kubeconfigPath);
      return config;
    },
    kubeconfigFor: (server) => {
      dir ??= mkdtempSync(join(tmpdir(), "krm-kubeconfig-"));
      written += 1;
      const caPem = readFileSync(info.caPath, "utf8");
      return writeKubeconfig(join(dir, `kubeconfig-${written}`), { server, caPem, token: info.adminToken });
    },
  };
}
