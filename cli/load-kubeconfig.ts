import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { KubeAccess } from "../core/kube-access.js";
import { ClientNodeAccess } from "./kubeconfig/client-node-access.js";
import { DirectAccess } from "./kubeconfig/direct-access.js";
import { inClusterAccess } from "./kubeconfig/in-cluster.js";
import { currentEntries } from "./kubeconfig/kubeconfig-entries.js";
import { UsageError } from "./usage-error.js";

/** Where a kubeconfig came from, for the startup log line. */
export type KubeConfigSource = "flag" | "in-cluster" | "home";

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeAccess;
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
  if (path !== undefined) {
    if (!existsSync(path)) throw new UsageError(`--kubeconfig ${path}: no such file`);
    return loaded(loadFile(path), "flag");
  }
  if (env["KUBERNETES_SERVICE_HOST"] !== undefined && env["KUBERNETES_SERVICE_HOST"] !== "") {
    return loaded(inClusterAccess(env), "in-cluster");
  }
  const home = join(homedir(), ".kube", "config");
  return existsSync(home) ? loaded(loadFile(home), "home") : undefined;
}

function loaded(kubeConfig: KubeAccess | null, source: KubeConfigSource): LoadedKubeConfig {
  const cluster = kubeConfig?.getCurrentCluster() ?? null;
  if (kubeConfig === null || cluster === null)
    throw new UsageError(`kubeconfig (${source}) has no current cluster`);
  return { kubeConfig, source, server: cluster.server };
}

/**
 * The current context of the file at `path`, applied by krm itself unless its credentials come
 * from a plugin or its cluster is behind a proxy (cli/kubeconfig/client-node-access.ts). A
 * kubeconfig that does not parse is a one-line usage error, not a YAML stack trace. Null when
 * the file names no current cluster.
 */
function loadFile(path: string): KubeAccess | null {
  try {
    const { cluster, user } = currentEntries(readFileSync(path, "utf8"), dirname(path));
    if (cluster === null) return null;
    return user.plugin || cluster.proxyUrl !== undefined
      ? new ClientNodeAccess(path, cluster)
      : new DirectAccess(cluster, user);
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
