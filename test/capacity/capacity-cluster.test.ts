/**
 * Capacity figures on a real kube-apiserver, through the whole pipeline (streamer, verifier,
 * aggregator, API replica): they equal an independent computation from a fresh LIST of the
 * API server, and stay equal within the freshness window while pods are created, finish and
 * go, and nodes are added and cordoned. Nodes and pod placement are written directly (the
 * shared control plane runs no scheduler or kubelets); each run has its own pool label values.
 */
import { randomUUID } from "node:crypto";
import { CoreV1Api, type V1Node, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { recomputeConsumers, recomputePools } from "../../capacity/testing/full-recompute.js";
import type { NodeLike, PodLike } from "../../capacity/model/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { startKrmStack, type KrmStack } from "../api/helpers/krm-stack.js";
import { httpGet, json } from "../api/helpers/http-get.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../support/wait-until.js";

const POOL_LABEL = "krm-test.dev/pool";
/** How long figures may trail the API server under churn (watch → Redis → replica → aggregates). */
const FRESHNESS_WINDOW_MS = 15_000;
const kinds = BUILTIN_KINDS.filter((k): k is KindSpec => k.id === "pods" || k.id === "nodes");

interface ServedPool {
  metadata: { name: string };
  status: {
    nodes: { schedulable: number; unschedulable: number };
    allocatable: Record<string, string>;
    requested: Record<string, string>;
    limits: Record<string, string>;
    unschedulableNodes: { allocatable: Record<string, string>; requested: Record<string, string> };
  };
}
interface ServedConsumer {
  metadata: { name: string };
  status: {
    pods: { running: number; pending: number };
    requests: Record<string, string>;
    limits: Record<string, string>;
    pending: Record<string, string>;
  };
}

describe("capacity figures against a fresh LIST of the API server", () => {
  const cluster = sharedCluster();
  const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
  const run = randomUUID().slice(0, 8);
  const ns = `cap-${run}`;
  const pools = [`${run}-small`, `${run}-large`];
  const nodeNames: string[] = [];
  let stack: KrmStack;

  const createNode = async (name: string, pool: string, cpu: string, memory: string): Promise<void> => {
    nodeNames.push(name);
    await core.createNode({
      body: {
        metadata: { name, labels: { [POOL_LABEL]: pool } },
        status: {
          allocatable: { cpu, memory, pods: "110" },
          capacity: { cpu, memory, pods: "110" },
          conditions: [
            {
              type: "Ready",
              status: "True",
              lastHeartbeatTime: new Date(),
              lastTransitionTime: new Date(),
              reason: "KubeletReady",
              message: "ready",
            },
          ],
        },
      },
    });
    // The TaintNodesByCondition admission adds node.kubernetes.io/not-ready:NoSchedule; with no
    // node controller here to lift it, lift it as that controller would for a Ready node.
    const created = await core.readNode({ name });
    await core.replaceNode({ name, body: { ...created, spec: { ...created.spec, taints: [] } } });
  };
  const createPod = async (
    name: string,
    nodeName: string | undefined,
    cpu: string,
    memory: string,
    sidecar = false,
  ): Promise<void> => {
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name, labels: { app: name.split("-")[0] ?? name } },
        spec: {
          ...(nodeName !== undefined ? { nodeName } : {}),
          containers: [
            {
              name: "c",
              image: "registry.k8s.io/pause:3.10",
              resources: { requests: { cpu, memory }, limits: { memory } },
            },
          ],
          ...(sidecar
            ? {
                initContainers: [
                  {
                    name: "s",
                    image: "registry.k8s.io/pause:3.10",
                    restartPolicy: "Always",
                    resources: { requests: { cpu: "100m" } },
                  },
                ],
              }
            : {}),
        },
      },
    });
  };
  const setPhase = async (name: string, phase: string): Promise<void> => {
    const current = await core.readNamespacedPodStatus({ name, namespace: ns });
    await core.replaceNamespacedPodStatus({
      name,
      namespace: ns,
      body: { ...current, status: { ...current.status, phase } },
    });
  };

  /** Both sides, for my pools and my namespace only (other tests share the cluster). */
  const compare = async (): Promise<{ krm: unknown; truth: unknown }> => {
    const [nodes, pods] = await Promise.all([core.listNode(), core.listNamespacedPod({ namespace: ns })]);
    const mine = nodes.items.filter((n: V1Node) => pools.includes(n.metadata?.labels?.[POOL_LABEL] ?? ""));
    const asJson = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;
    const truthPools = recomputePools(
      asJson<NodeLike[]>(mine),
      asJson<PodLike[]>(pods.items.map((p: V1Pod) => p)),
      POOL_LABEL,
    );
    const truthConsumers = recomputeConsumers(asJson<PodLike[]>(pods.items));
    const served = json<{ items: ServedPool[] }>(
      await httpGet(`${stack.api.url}/apis/capacity.krm.dev/v1alpha1/nodepools`),
    ).items.filter((p) => pools.includes(p.metadata.name));
    const consumer = json<ServedConsumer>(
      await httpGet(`${stack.api.url}/apis/capacity.krm.dev/v1alpha1/consumers/${ns}`),
    );
    return {
      krm: {
        pools: Object.fromEntries(
          served.map((p) => [
            p.metadata.name,
            {
              nodes: p.status.nodes.schedulable,
              closedNodes: p.status.nodes.unschedulable,
              allocatable: p.status.allocatable,
              requested: p.status.requested,
              limits: p.status.limits,
              closedAllocatable: p.status.unschedulableNodes.allocatable,
              closedRequested: p.status.unschedulableNodes.requested,
            },
          ]),
        ),
        consumer:
          consumer.status === undefined
            ? undefined
            : {
                runningPods: consumer.status.pods.running,
                pendingPods: consumer.status.pods.pending,
                requests: consumer.status.requests,
                limits: consumer.status.limits,
                pending: consumer.status.pending,
              },
      },
      truth: { pools: Object.fromEntries(truthPools), consumer: truthConsumers.get(ns) },
    };
  };
  const expectEqualWithinWindow = async (what: string): Promise<void> => {
    let last: { krm: unknown; truth: unknown } | undefined;
    try {
      await waitUntil(
        async () => {
          last = await compare();
          return JSON.stringify(last.krm) === JSON.stringify(last.truth) ? true : undefined;
        },
        { what, timeoutMs: FRESHNESS_WINDOW_MS, intervalMs: 200 },
      );
    } catch (error) {
      expect(last?.krm, String(error)).toEqual(last?.truth);
      throw error;
    }
  };

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await createNode(`${run}-s1`, pools[0] ?? "", "2", "4Gi");
    await createNode(`${run}-s2`, pools[0] ?? "", "2", "4Gi");
    await createNode(`${run}-l1`, pools[1] ?? "", "8", "32Gi");
    await createPod("web-1", `${run}-s1`, "500m", "1Gi");
    await createPod("web-2", `${run}-s2`, "250m", "512Mi", true);
    await createPod("db-1", `${run}-l1`, "2", "8Gi");
    await createPod("queued-1", undefined, "1", "1Gi");
    await setPhase("web-1", "Running");
    stack = await startKrmStack({
      kinds,
      kubeConfig: cluster.kubeConfig(),
      api: { derivedViews: [capacityViews({ config: { poolLabel: POOL_LABEL }, leasePollMs: 200 })] },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    for (const name of nodeNames) await core.deleteNode({ name }).catch(() => undefined);
  });

  it("equals an independent computation from a fresh LIST", async () => {
    await expectEqualWithinWindow("figures equal the fresh LIST");
    const { krm } = await compare();
    expect(krm).toMatchObject({ consumer: { runningPods: 3, pendingPods: 1 } });
  });

  it("stays equal under churn: pods created, finished, deleted; nodes added and cordoned", async () => {
    for (let i = 0; i < 6; i++)
      await createPod(`batch-${i}`, `${run}-${i % 2 === 0 ? "l1" : "s1"}`, "100m", "128Mi");
    await setPhase("batch-0", "Succeeded");
    await setPhase("batch-1", "Failed");
    await core.deleteNamespacedPod({ name: "web-2", namespace: ns, gracePeriodSeconds: 0 });
    await createNode(`${run}-l2`, pools[1] ?? "", "16", "64Gi");
    await createPod("db-2", `${run}-l2`, "4", "16Gi");
    const node = await core.readNode({ name: `${run}-s2` });
    await core.replaceNode({
      name: `${run}-s2`,
      body: { ...node, spec: { ...node.spec, unschedulable: true } },
    });
    await expectEqualWithinWindow("figures follow the churn");
    const { krm } = await compare();
    expect(krm).toMatchObject({
      pools: { [pools[0] ?? ""]: { nodes: 1, closedNodes: 1 }, [pools[1] ?? ""]: { nodes: 2 } },
    });
  });
});
