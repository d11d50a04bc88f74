// Smoke tests of the shared test control plane (real kube-apiserver + etcd): the six built-in
// kinds can be created and listed back page by page, kubectl works with the kubeconfig, and
// service-account tokens authenticate and are authorized by RBAC.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import {
  AppsV1Api,
  CoreV1Api,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
} from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { httpRequestText } from "../../local/http-request.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";

const run = promisify(execFile);
const POD_COUNT = 5;
const PAGE_SIZE = 2;

describe("shared control plane", () => {
  const cluster = sharedCluster();
  const namespace = `smoke-${randomBytes(4).toString("hex")}`;
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;

  beforeAll(async () => {
    kubeConfig = cluster.kubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  test("creates and lists back nodes, pods, deployments, services, PVCs and ingresses", async () => {
    const nodeName = `${namespace}-node`;
    await core.createNode({ body: { metadata: { name: nodeName, labels: { smoke: namespace } } } });
    for (let index = 0; index < POD_COUNT; index += 1) {
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: `pod-${index}`, labels: { app: "smoke" } },
          spec: { nodeName, containers: [{ name: "main", image: "registry.invalid/smoke:1" }] },
        },
      });
    }
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "main", image: "registry.invalid/web:1" }] },
          },
        },
      },
    });
    await core.createNamespacedService({
      namespace,
      body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ port: 80 }] } },
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace,
      body: {
        metadata: { name: "data" },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    });
    await kubeConfig.makeApiClient(NetworkingV1Api).createNamespacedIngress({
      namespace,
      body: {
        metadata: { name: "web" },
        spec: { defaultBackend: { service: { name: "web", port: { number: 80 } } } },
      },
    });

    const nodes = await core.listNode({ labelSelector: `smoke=${namespace}` });
    expect(nodes.items.map((node) => node.metadata?.name)).toEqual([nodeName]);
    expect((await apps.listNamespacedDeployment({ namespace })).items).toHaveLength(1);
    expect((await core.listNamespacedService({ namespace })).items[0]?.spec?.clusterIP).toMatch(
      /^10\.0\.0\./,
    );
    expect((await core.listNamespacedPersistentVolumeClaim({ namespace })).items).toHaveLength(1);
    const ingresses = await kubeConfig.makeApiClient(NetworkingV1Api).listNamespacedIngress({ namespace });
    expect(ingresses.items.map((ingress) => ingress.metadata?.name)).toEqual(["web"]);
  });

  test("lists pods page by page with limit and continue, all pages at the first page's resourceVersion", async () => {
    const names: string[] = [];
    const resourceVersions = new Set<string>();
    let pages = 0;
    let continueToken: string | undefined;
    do {
      const page = await core.listNamespacedPod({
        namespace,
        limit: PAGE_SIZE,
        _continue: continueToken,
      });
      pages += 1;
      names.push(...page.items.map((pod) => pod.metadata?.name ?? ""));
      resourceVersions.add(page.metadata?.resourceVersion ?? "");
      continueToken = page.metadata?._continue;
      // remainingItemCount comes only with lists without selectors, as here.
      if (continueToken !== undefined) expect(page.metadata?.remainingItemCount).toBeGreaterThan(0);
    } while (continueToken !== undefined && continueToken !== "");
    expect(pages).toBe(Math.ceil(POD_COUNT / PAGE_SIZE));
    expect(names.sort()).toEqual(Array.from({ length: POD_COUNT }, (_, index) => `pod-${index}`));
    expect(resourceVersions.size).toBe(1);
  });

  test("kubectl works with the admin kubeconfig", async () => {
    const { stdout } = await run("kubectl", [
      "--kubeconfig",
      cluster.kubeconfigPath,
      "get",
      "ns",
      "-o",
      "name",
    ]);
    expect(stdout.split("\n")).toContain(`namespace/${namespace}`);
  });

  test("a service-account token from TokenRequest authenticates and RBAC decides what it may do", async () => {
    const account = "reader";
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: account } } });
    const { stdout } = await run("kubectl", [
      "--kubeconfig",
      cluster.kubeconfigPath,
      "create",
      "token",
      account,
      "-n",
      namespace,
    ]);
    const token = stdout.trim();
    const ca = await readFile(cluster.caPath, "utf8");
    const listPods = (): Promise<{ status: number }> =>
      httpRequestText(`${cluster.clusterUrl}/api/v1/namespaces/${namespace}/pods`, {
        ca,
        bearerToken: token,
      });

    expect((await listPods()).status).toBe(403);

    const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace,
      body: {
        metadata: { name: "pod-reader" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: "pod-reader" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
        subjects: [{ kind: "ServiceAccount", name: account, namespace }],
      },
    });
    // RBAC reads roles from an informer, so a new binding takes effect a moment later.
    await waitUntil(async () => ((await listPods()).status === 200 ? true : undefined), {
      what: "the role binding to take effect",
      timeoutMs: 10_000,
    });
    const unknownToken = await httpRequestText(`${cluster.clusterUrl}/api/v1/namespaces/${namespace}/pods`, {
      ca,
      bearerToken: "not-a-token",
    });
    expect(unknownToken.status).toBe(401);
  });
});
