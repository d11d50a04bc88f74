import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { AppsV1Api, BatchV1Api, CoreV1Api, type V1Node, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { ControlPlane } from "../../local/cluster/control-plane.js";
import { settle, startPooledCluster } from "./lifelike-pools.js";

/** Logs of this file's cluster, kept for post-mortems (git-ignored). */
const LOG_DIR = resolve("test-artifacts", "lifelike-cluster");
const NAMESPACE = "lifelike";
const POOL_LABEL = "cloud.google.com/gke-nodepool";

const GENERAL = { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
const GPU = { ...GENERAL, "nvidia.com/gpu": "2" };

let cluster: ControlPlane;
let core: CoreV1Api;

beforeAll(async () => {
  await rm(LOG_DIR, { recursive: true, force: true });
  cluster = await startPooledCluster({
    logDir: LOG_DIR,
    poolLabel: POOL_LABEL,
    nodes: [
      { name: "general-1", pool: "general", allocatable: GENERAL },
      { name: "gpu-1", pool: "gpu", allocatable: GPU },
    ],
    namespace: NAMESPACE,
  });
  core = cluster.kubeConfig().makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await cluster.stop();
});

function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

test("nodes become Ready keeping the allocatable they were created with", async () => {
  const nodes = await settle("both nodes Ready", async () => {
    const list = await core.listNode();
    return list.items.length === 2 && list.items.every(isReady) ? list.items : undefined;
  });
  const byName = new Map(nodes.map((node) => [node.metadata?.name, node]));
  expect(byName.get("general-1")?.status?.allocatable).toEqual(GENERAL);
  expect(byName.get("gpu-1")?.status?.allocatable).toEqual(GPU);
  expect(byName.get("gpu-1")?.status?.capacity).toEqual(GPU);
});

test("a deployment's pods are scheduled and Running; a GPU request lands on the GPU pool", async () => {
  const apps = cluster.kubeConfig().makeApiClient(AppsV1Api);
  const labels = { app: "web" };
  await apps.createNamespacedDeployment({
    namespace: NAMESPACE,
    body: {
      metadata: { name: "web" },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "app",
                image: "nginx:1.27",
                resources: { requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "512Mi" } },
              },
            ],
          },
        },
      },
    },
  });
  const pods = await settle("3 web pods Running", async () => {
    const list = await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: "app=web" });
    return list.items.length === 3 && list.items.every((pod) => pod.status?.phase === "Running")
      ? list.items
      : undefined;
  });
  for (const pod of pods) expect(["general-1", "gpu-1"]).toContain(pod.spec?.nodeName);
  await settle("deployment available", async () => {
    const deployment = await apps.readNamespacedDeployment({ namespace: NAMESPACE, name: "web" });
    return deployment.status?.availableReplicas === 3 ? true : undefined;
  });

  const trainer: V1Pod = {
    metadata: { name: "trainer" },
    spec: {
      containers: [{ name: "train", image: "trainer:1", resources: { limits: { "nvidia.com/gpu": "1" } } }],
    },
  };
  await core.createNamespacedPod({ namespace: NAMESPACE, body: trainer });
  const placed = await settle("trainer Running", async () => {
    const pod = await core.readNamespacedPod({ namespace: NAMESPACE, name: "trainer" });
    return pod.status?.phase === "Running" ? pod : undefined;
  });
  expect(placed.spec?.nodeName).toBe("gpu-1");
});

test("a pod that fits nowhere stays Pending, marked unschedulable by the scheduler", async () => {
  await core.createNamespacedPod({
    namespace: NAMESPACE,
    body: {
      metadata: { name: "too-big" },
      spec: { containers: [{ name: "app", image: "big:1", resources: { requests: { cpu: "64" } } }] },
    },
  });
  const pod = await settle("too-big marked unschedulable", async () => {
    const read = await core.readNamespacedPod({ namespace: NAMESPACE, name: "too-big" });
    const scheduled = read.status?.conditions?.find((c) => c.type === "PodScheduled");
    return scheduled?.reason === "Unschedulable" ? read : undefined;
  });
  expect(pod.status?.phase).toBe("Pending");
  expect(pod.spec?.nodeName).toBeUndefined();
});

test("a Job's pods finish and the Job succeeds", async () => {
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
            containers: [{ name: "report", image: "report:1", resources: { requests: { cpu: "100m" } } }],
          },
        },
      },
    },
  });
  const job = await settle("job report Complete", async () => {
    const read = await batch.readNamespacedJob({ namespace: NAMESPACE, name: "report" });
    const complete = read.status?.conditions?.some((c) => c.type === "Complete" && c.status === "True");
    return complete === true ? read : undefined;
  });
  expect(job.status?.succeeded).toBe(2);
  const pods = await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: "job-name=report" });
  expect(pods.items.map((pod) => pod.status?.phase)).toEqual(["Succeeded", "Succeeded"]);
});

test("the resource quota controller fills a ResourceQuota's status.used", async () => {
  await core.createNamespacedResourceQuota({
    namespace: NAMESPACE,
    body: {
      metadata: { name: "team" },
      spec: { hard: { "requests.cpu": "10", "requests.memory": "20Gi", pods: "50" } },
    },
  });
  // Counted: 3 web pods (500m, 256Mi each), trainer and too-big (pending pods count too);
  // the Job's Succeeded pods do not.
  const used = await settle("quota status.used", async () => {
    const quota = await core.readNamespacedResourceQuota({ namespace: NAMESPACE, name: "team" });
    return quota.status?.used?.["pods"] === "5" ? quota.status.used : undefined;
  });
  expect(used).toEqual({ pods: "5", "requests.cpu": "65500m", "requests.memory": "768Mi" });
});
