import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { UsageError } from "./usage-error.js";

/** Where a kubeconfig came from, for the startup log line. */
export type KubeConfigSource = "flag" | "in-cluster" | "home";

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly source: KubeConfigSource;
  readonly server: string;
}

/**
 * Resolves the cluster as docs/architecture.md says: `--kubeconfig`/KUBECONFIG, else the in-cluster
 * service account, else `~/.kube/config`. Returns undefined when none exists, so `krm run`
 * can fall back to a local cluster; other commands treat that as a usage error.
 */
export function loadKubeConfig(
  path: string | undefined,
  env: NodeJS.ProcessEnv,
): LoadedKubeConfig | undefined {
  const kubeConfig = new KubeConfig();
  let source: KubeConfigSource;
  if (path !== undefined) {
    if (!existsSync(path)) throw new UsageError(`--kubeconfig ${path}: no such file`);
    loadFile(kubeConfig, path);
    source = "flag";
  } else if (env["KUBERNETES_SERVICE_HOST"] !== undefined && env["KUBERNETES_SERVICE_HOST"] !== "") {
    kubeConfig.loadFromCluster();
    source = "in-cluster";
  } else {
    const home = join(homedir(), ".kube", "config");
    if (!existsSync(home)) return undefined;
    loadFile(kubeConfig, home);
    source = "home";
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new UsageError(`kubeconfig (${source}) has no current cluster`);
  return { kubeConfig, source, server: cluster.server };
}

/** A kubeconfig that does not parse is a one-line usage error, not a YAML stack trace. */
function loadFile(kubeConfig: KubeConfig, path: string): void {
  try {
    kubeConfig.loadFromFile(path);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? error.message) : String(error);
    throw new UsageError(`kubeconfig ${path} is not valid: ${reason}`);
  }
}

export function requireKubeConfig(path: string | undefined, env: NodeJS.ProcessEnv): LoadedKubeConfig {
  const loaded = loadKubeConfig(path, env);
  if (loaded === undefined) {
    throw new UsageError(
      "no cluster: pass --kubeconfig (or KUBECONFIG), run in a pod, or create ~/.kube/config",
    );
  }
  return loaded;
}
