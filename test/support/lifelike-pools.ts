/**
 * The setup the lifelike tests share: a lifelike cluster (local/cluster/lifelike-cluster.ts)
 * with nodes in labelled pools and one namespace, and the poll that waits for it to settle.
 */
import { CoreV1Api } from "@kubernetes/client-node";
import type { ControlPlane, ControlPlaneOptions } from "../../local/cluster/control-plane.js";
import { startLifelikeCluster } from "../../local/cluster/lifelike-cluster.js";
import { lifelikeNode } from "../../local/cluster/lifelike-node.js";
import { waitUntil } from "../../local/wait-until.js";

/** Scheduling, kwok's stages and the controllers each take a moment; generous for a loaded machine. */
export const SETTLE_TIMEOUT_MS = 90_000;

export interface PoolNode {
  readonly name: string;
  readonly pool: string;
  readonly allocatable: Readonly<Record<string, string>>;
}

export interface PooledClusterOptions extends ControlPlaneOptions {
  /** The node label naming each node's pool. */
  readonly poolLabel: string;
  readonly nodes: readonly PoolNode[];
  readonly namespace: string;
}

/** Starts the cluster and creates the nodes and the namespace; stops the cluster if that fails. */
export async function startPooledCluster(options: PooledClusterOptions): Promise<ControlPlane> {
  const { poolLabel, nodes, namespace, ...controlPlane } = options;
  const cluster = await startLifelikeCluster(controlPlane);
  try {
    const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    for (const { name, pool, allocatable } of nodes)
      await core.createNode({ body: lifelikeNode(name, { labels: { [poolLabel]: pool }, allocatable }) });
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** Polls `check` until it answers, within SETTLE_TIMEOUT_MS. */
export function settle<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  return waitUntil(check, { what, timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 250 });
}
