/**
 * A kubeconfig whose user gets credentials from a plugin (`exec`, `auth-provider`) or whose
 * cluster is behind a proxy: `@kubernetes/client-node` applies it, imported on the first
 * request. Importing client-node costs a process tens of MB (docs/architecture.md, "Memory"),
 * so the common kubeconfigs (token, token file, client certificate) never load it.
 */
import type * as https from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";
import type { KubeAccess } from "../../core/kube-access.js";
import type { ClusterEntry } from "./kubeconfig-entries.js";

export class ClientNodeAccess implements KubeAccess {
  private loaded: Promise<KubeConfig> | undefined;

  constructor(
    private readonly path: string,
    private readonly cluster: ClusterEntry,
  ) {}

  getCurrentCluster(): ClusterEntry {
    return this.cluster;
  }

  async applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
    this.loaded ??= import("@kubernetes/client-node").then(({ KubeConfig }) => {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(this.path);
      return kubeConfig;
    });
    await (await this.loaded).applyToHTTPSOptions(options);
  }
}
