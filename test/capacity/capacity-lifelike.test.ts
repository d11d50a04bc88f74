/**
 * Capacity figures on the LIFELIKE cluster (local/cluster/lifelike-cluster.ts: real
 * kube-scheduler, kube-controller-manager, kwok): node pools of different sizes, a deployment
 * with requests that is scaled, a Job that finishes, a pod that fits nowhere and a cordoned
 * node. Through the whole krm pipeline the nodepools/consumers figures equal an independent
 * computation from a fresh LIST within the freshness window, and kubectl prints the tables.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppsV1Api, BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { startKrmStack, type KrmStack } from "../api/helpers/krm-stack.js";
import { kubectlOk } from "../deploy/kubectl.js";
import type { ControlPlane } from "../../local/cluster/control-plane.js";
import { settle, startPooledCluster } from "../support/lifelike-pools.js";
import { expectFiguresEqualWithinWindow, type FigureScope } from "./helpers/capacity-figures.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";

const POOL_LABEL = "krm-test.dev/pool";
const NAMESPACE = "shop";
const SMALL = { cpu: "2", memory: "4Gi", pods: "110" };
const LARGE = { cpu: "8", memory: "32Gi", pods: "110" };
const kinds = BUILTIN_KINDS.filter((k): k is KindSpec => k.id === "pods" || k.id === "nodes");

describe("capacity figures on the lifelike cluster", () => {
  let cluster: ControlPlane;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let stack: KrmStack;
  let dir = "";
  const scope = (): FigureScope => ({
    core,
    apiUrl: stack.api.url,
    poolLabel: POOL_LABEL,
    pools: ["small", "large"],
    namespace: NAMESPACE,
  });
  const runningWeb = (replicas: number) =>
    settle(`${replicas} web pods Running`, async () => {
      const list = await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: "app=web" });
      return list.items.length === replicas && list.items.every((p) => p.status?.phase === "Running")
        ? true
        : undefined;
    });

  beforeAll(async () => {
    cluster = await startPooledCluster({
      poolLabel: POOL_LABEL,
      nodes: [
        { name: "small-1", pool: "small", allocatable: SMALL },
        { name: "small-2", pool: "small", allocatable: SMALL },
        { name: "large-1", pool: "large", allocatable: LARGE },
      ],
      namespace: NAMESPACE,
    });
    core = cluster.kubeConfig().makeApiClient(CoreV1Api);
    apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
    stack = await startKrmStack({
      kinds,
      kubeConfig: cluster.kubeConfig(),
      api: { derivedViews: [capacityViews({ config: { poolLabel: POOL_LABEL }, leasePollMs: 200 })] },
    });
    dir = await mkdtemp(join(tmpdir(), "krm-lifelike-"));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("follows a deployment scaled, a Job that finishes, a pod that fits nowhere and a cordon", async () => {
    const labels = { app: "web" };
    await apps.createNamespacedDeployment({
      namespace: NAMESPACE,
      body: {
        metadata: { name: "web" },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: "app",
                  image: "nginx:1.27",
                  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
                },
              ],
            },
          },
        },
      },
    });
    await runningWeb(2);
    await expectFiguresEqualWithinWindow(scope(), "figures with 2 web pods");

    const scale = await apps.readNamespacedDeploymentScale({ namespace: NAMESPACE, name: "web" });
    await apps.replaceNamespacedDeploymentScale({
      namespace: NAMESPACE,
      name: "web",
      body: { ...scale, spec: { replicas: 5 } },
    });
    await runningWeb(5);
    const scaled = await expectFiguresEqualWithinWindow(scope(), "figures with 5 web pods");
    expect(scaled.krm.consumer).toMatchObject({ runningPods: 5, pendingPods: 0 });

    const batch = cluster.kubeConfig().makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace: NAMESPACE,
      body: {
        metadata: { name: "report" },
        spec: {
          completions: 2,
          parallelism: 2,
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [{ name: "report", image: "report:1", resources: { requests: { cpu: "250m" } } }],
            },
          },
        },
      },
    });
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name: "too-big" },
        spec: { containers: [{ name: "app", image: "big:1", resources: { requests: { cpu: "64" } } }] },
      },
    });
    await settle("job report Complete", async () => {
      const job = await batch.readNamespacedJob({ namespace: NAMESPACE, name: "report" });
      return job.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True")
        ? true
        : undefined;
    });
    const node = await core.readNode({ name: "small-2" });
    await core.replaceNode({
      name: "small-2",
      body: { ...node, spec: { ...node.spec, unschedulable: true } },
    });

    const after = await expectFiguresEqualWithinWindow(
      scope(),
      "figures after the Job, too-big and the cordon",
    );
    // Succeeded Job pods count nowhere; too-big is pending demand; small-2 is shown apart.
    expect(after.krm).toMatchObject({
      pools: { small: { nodes: 1, closedNodes: 1 }, large: { nodes: 1, closedNodes: 0 } },
      consumer: { runningPods: 5, pendingPods: 1, pending: { cpu: "64" } },
    });
  }, 120_000);

  it("kubectl get nodepools / consumers through krm prints the tables", async () => {
    const kubeconfig = join(dir, "krm.kubeconfig");
    writeKubeconfig(kubeconfig, { server: stack.api.url });
    const pools = (await kubectlOk(["--kubeconfig", kubeconfig, "get", "nodepools"])).trim().split("\n");
    expect(pools[0]).toMatch(/^NAME\s+NODES\s+CPU\s+MEMORY\s+PODS\s+PENDING\s+STATUS/);
    expect(pools.find((l) => l.startsWith("small"))).toMatch(/^small\s+1 \(\+1\)\s+/);
    expect(pools.find((l) => l.startsWith("large"))).toMatch(/^large\s+1\s+/);
    const consumers = await kubectlOk(["--kubeconfig", kubeconfig, "get", "consumers"]);
    expect(consumers).toMatch(new RegExp(`${NAMESPACE}\\s+5 \\(\\+1\\)`));
  });
});
