/**
 * Capacity figures on a real kube-apiserver, through the whole pipeline (streamer, verifier,
 * aggregator, API replica): they equal an independent computation from a fresh LIST of the
 * API server, and stay equal within the freshness window while pods are created, finish and
 * go, and nodes are added and cordoned. Nodes and pod placement are written directly (the
 * shared control plane runs no scheduler or kubelets); each run has its own pool label values.
 */
import { randomUUID } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { startKrmStack, type KrmStack } from "../api/helpers/krm-stack.js";
import { sharedCluster } from "../support/shared-cluster.js";
import {
  compareFigures,
  expectFiguresEqualWithinWindow,
  type FigureScope,
} from "./helpers/capacity-figures.js";

const POOL_LABEL = "krm-test.dev/pool";
const kinds = BUILTIN_KINDS.filter((k): k is KindSpec => k.id === "pods" || k.id === "nodes");

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

  const scope = (): FigureScope => ({
    core,
    apiUrl: stack.api.url,
    poolLabel: POOL_LABEL,
    pools,
    namespace: ns,
  });
  const compare = () => compareFigures(scope());
  const expectEqualWithinWindow = (what: string) => expectFiguresEqualWithinWindow(scope(), what);

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
