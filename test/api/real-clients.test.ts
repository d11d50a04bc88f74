import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  type KubernetesObject,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import { kubectlOk, runKubectl } from "../deploy/kubectl.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";
import { tableCells } from "./helpers/kubectl-output.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";

/**
 * kubectl and @kubernetes/client-node work against krm unchanged, and krm answers what the
 * API server answers for the same request. The whole pipeline runs against the shared cluster.
 */
const POD_COUNT = 60;

describe("real clients against krm", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const apps = admin.makeApiClient(AppsV1Api);
  const suffix = randomBytes(3).toString("hex");
  const ns = `krm-api-${suffix}`;
  const [node1, node2] = [`krm-api-${suffix}-n1`, `krm-api-${suffix}-n2`];
  const dir = mkdtempSync(join(tmpdir(), "krm-api-clients-"));
  let stack: KrmStack;
  let krmKubeconfig = "";

  const onKrm = (args: string[]): string[] => ["--kubeconfig", krmKubeconfig, ...args];
  const onServer = (args: string[]): string[] => ["--kubeconfig", cluster.kubeconfigPath, ...args];
  const sortedLines = (text: string): string[] =>
    text
      .split("\n")
      .filter((l) => l !== "")
      .sort();

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    for (const name of [node1, node2])
      await core.createNode({ body: { metadata: { name, labels: { "krm-test": suffix } } } });
    const creates: Promise<unknown>[] = [];
    for (let i = 0; i < POD_COUNT; i++) {
      creates.push(
        core.createNamespacedPod({
          namespace: ns,
          body: {
            metadata: { name: `pod-${String(i).padStart(3, "0")}`, labels: { app: i % 3 === 0 ? "x" : "y" } },
            spec: {
              nodeName: i % 2 === 0 ? node1 : node2,
              containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }],
            },
          },
        }),
      );
    }
    for (const [name, app] of [
      ["web", "x"],
      ["api", "x"],
      ["db", "y"],
    ] as const) {
      creates.push(
        apps.createNamespacedDeployment({
          namespace: ns,
          body: {
            metadata: { name, labels: { app } },
            spec: {
              replicas: 1,
              selector: { matchLabels: { app: name } },
              template: {
                metadata: { labels: { app: name } },
                spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
              },
            },
          },
        }),
      );
    }
    creates.push(
      core.createNamespacedService({
        namespace: ns,
        body: { metadata: { name: "svc" }, spec: { ports: [{ port: 80 }], selector: { app: "x" } } },
      }),
      admin.makeApiClient(NetworkingV1Api).createNamespacedIngress({
        namespace: ns,
        body: {
          metadata: { name: "ing" },
          spec: { defaultBackend: { service: { name: "svc", port: { number: 80 } } } },
        },
      }),
    );
    await Promise.all(creates);
    stack = await startKrmStack({ kinds: BUILTIN_KINDS, kubeConfig: admin });
    krmKubeconfig = writeKubeconfig(join(dir, "krm.kubeconfig"), { server: stack.api.url });
    await waitUntil(
      async () => {
        const pods = json<{ items: unknown[] }>(
          await httpGet(`${stack.api.url}/api/v1/namespaces/${ns}/pods`),
        );
        const deployments = json<{ items: unknown[] }>(
          await httpGet(`${stack.api.url}/apis/apps/v1/namespaces/${ns}/deployments`),
        );
        return pods.items.length === POD_COUNT && deployments.items.length === 3 ? true : undefined;
      },
      { what: "krm to hold the test objects", timeoutMs: 60_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    for (const name of [node1, node2]) await core.deleteNode({ name }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("kubectl get pods -A lists every pod with the usual columns", async () => {
    const out = await kubectlOk(onKrm(["get", "pods", "-A"]));
    const header = out.split("\n")[0] ?? "";
    expect(header).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    for (let i = 0; i < POD_COUNT; i++) expect(out).toContain(`pod-${String(i).padStart(3, "0")}`);
    const mine = out.split("\n").filter((l) => l.startsWith(ns));
    expect(mine).toHaveLength(POD_COUNT);
  });

  it.each([
    ["pods", []],
    ["deploy", []],
    ["svc", []],
    ["ingress", []],
    ["pods", ["-o", "wide"]],
  ])("kubectl get %s %j prints the API server's table (ages aside)", async (resource, extra) => {
    const args = ["get", resource, "-n", ns, ...extra];
    const fromKrm = tableCells(await kubectlOk(onKrm(args)));
    const fromServer = tableCells(await kubectlOk(onServer(args)));
    expect(fromKrm).toEqual(fromServer);
  });

  it("kubectl get nodes prints STATUS, ROLES and VERSION like the API server", async () => {
    const args = [
      "get",
      "nodes",
      "-l",
      `krm-test=${suffix}`,
      "-o",
      "custom-columns=NAME:.metadata.name,RV:.metadata.resourceVersion",
    ];
    expect(await kubectlOk(onKrm(args))).toEqual(await kubectlOk(onServer(args)));
    const table = await kubectlOk(onKrm(["get", "nodes", "-l", `krm-test=${suffix}`]));
    expect(table.split("\n")[0]).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
  });

  it("kubectl get deploy -n NS -l app=x matches the API server", async () => {
    const args = ["get", "deploy", "-n", ns, "-l", "app=x", "-o", "name"];
    const fromKrm = sortedLines(await kubectlOk(onKrm(args)));
    expect(fromKrm).toEqual(["deployment.apps/api", "deployment.apps/web"]);
    expect(fromKrm).toEqual(sortedLines(await kubectlOk(onServer(args))));
  });

  it("kubectl get pods --field-selector spec.nodeName=N matches the API server", async () => {
    const args = ["get", "pods", "-A", "--field-selector", `spec.nodeName=${node1}`, "-o", "name"];
    const fromKrm = sortedLines(await kubectlOk(onKrm(args)));
    expect(fromKrm).toHaveLength(POD_COUNT / 2);
    expect(fromKrm).toEqual(sortedLines(await kubectlOk(onServer(args))));
  });

  it("kubectl get nodes -o json returns the nodes as the API server does", async () => {
    type NodeList = { kind: string; items: { metadata: { name: string; resourceVersion: string } }[] };
    const fromKrm = JSON.parse(
      await kubectlOk(onKrm(["get", "nodes", "-l", `krm-test=${suffix}`, "-o", "json"])),
    ) as NodeList;
    const fromServer = JSON.parse(
      await kubectlOk(onServer(["get", "nodes", "-l", `krm-test=${suffix}`, "-o", "json"])),
    ) as NodeList;
    expect(fromKrm.kind).toBe("List");
    const summary = (list: NodeList): string[] =>
      list.items.map((n) => `${n.metadata.name}@${n.metadata.resourceVersion}`).sort();
    expect(summary(fromKrm)).toEqual(summary(fromServer));
    expect(summary(fromKrm)).toHaveLength(2);
  });

  it("kubectl get pods --chunk-size=50 pages through everything", async () => {
    const args = ["get", "pods", "-n", ns, "--chunk-size=50", "-o", "name", "-v=6"];
    const result = await runKubectl(onKrm(args));
    expect(result.status).toBe(0);
    expect(sortedLines(result.stdout)).toHaveLength(POD_COUNT);
    expect(result.stderr).toMatch(/continue=/);
    expect(sortedLines(result.stdout)).toEqual(
      sortedLines(await kubectlOk(onServer(["get", "pods", "-n", ns, "-o", "name"]))),
    );
  });

  it("kubectl get pods -w shows the list, then new pods as they are created", async () => {
    const child = spawn("kubectl", onKrm(["get", "pods", "-n", ns, "-w"]), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    try {
      await waitUntil(() => (out.includes("pod-059") ? true : undefined), {
        what: "initial list from kubectl -w",
        timeoutMs: 20_000,
      });
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: "watched" },
          spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
        },
      });
      await waitUntil(() => (/\nwatched\s+0\/1\s+Pending/.test(out) ? true : undefined), {
        what: "watched pod in kubectl -w",
        timeoutMs: 20_000,
      });
      // One header, then rows: the watch events are Tables whose columns came with the first.
      expect(out.split("\n")[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
      expect(out.match(/^NAME\s/gm)).toHaveLength(1);
    } finally {
      child.kill();
      await core.deleteNamespacedPod({ namespace: ns, name: "watched" }).catch(() => undefined);
    }
  });

  it("client-node CoreV1Api, AppsV1Api and NetworkingV1Api pointed at krm answer like the API server", async () => {
    const toKrm = new KubeConfig();
    toKrm.loadFromOptions({
      clusters: [{ name: "krm", server: stack.api.url, skipTLSVerify: true }],
      users: [{ name: "u" }],
      contexts: [{ name: "krm", cluster: "krm", user: "u" }],
      currentContext: "krm",
    });
    const pairs = [toKrm, admin].map((config) => ({
      core: config.makeApiClient(CoreV1Api),
      apps: config.makeApiClient(AppsV1Api),
      net: config.makeApiClient(NetworkingV1Api),
    }));
    const [krm, real] = pairs as [(typeof pairs)[number], (typeof pairs)[number]];
    const names = (list: { items: KubernetesObject[] }): string[] =>
      list.items
        .map(
          (o) =>
            `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}@${o.metadata?.resourceVersion ?? ""}`,
        )
        .sort();
    // Wait until no object is still being created or changed behind the list (e.g. the watched pod's deletion).
    await waitUntil(
      async () => {
        const [a, b] = await Promise.all([
          krm.core.listNamespacedPod({ namespace: ns }),
          real.core.listNamespacedPod({ namespace: ns }),
        ]);
        return JSON.stringify(names(a)) === JSON.stringify(names(b)) ? true : undefined;
      },
      { what: "krm and the API server to agree on pods", timeoutMs: 20_000 },
    );
    const krmPods = await krm.core.listNamespacedPod({ namespace: ns, labelSelector: "app=x" });
    expect(names(krmPods)).toEqual(
      names(await real.core.listNamespacedPod({ namespace: ns, labelSelector: "app=x" })),
    );
    expect(krmPods.items[0]?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const onNode = { fieldSelector: `spec.nodeName=${node2}` };
    expect(names(await krm.core.listPodForAllNamespaces(onNode))).toEqual(
      names(await real.core.listPodForAllNamespaces(onNode)),
    );
    const pod = await krm.core.readNamespacedPod({ namespace: ns, name: "pod-007" });
    expect(pod).toEqual(await real.core.readNamespacedPod({ namespace: ns, name: "pod-007" }));
    expect(names(await krm.apps.listNamespacedDeployment({ namespace: ns }))).toEqual(
      names(await real.apps.listNamespacedDeployment({ namespace: ns })),
    );
    expect(await krm.apps.readNamespacedDeployment({ namespace: ns, name: "web" })).toEqual(
      await real.apps.readNamespacedDeployment({ namespace: ns, name: "web" }),
    );
    expect(names(await krm.net.listNamespacedIngress({ namespace: ns }))).toEqual(
      names(await real.net.listNamespacedIngress({ namespace: ns })),
    );
    expect(names(await krm.core.listNamespacedService({ namespace: ns }))).toEqual(
      names(await real.core.listNamespacedService({ namespace: ns })),
    );
    expect(await krm.core.readNode({ name: node1 })).toEqual(await real.core.readNode({ name: node1 }));
    const missing = await krm.core
      .readNamespacedPod({ namespace: ns, name: "nope" })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 404 });
  });
});
