import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCustomKind } from "../../core/kinds.js";
import { kubectlOk } from "../deploy/kubectl.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";
import { tableCells } from "./helpers/kubectl-output.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";

/**
 * A custom kind configured as `group/version/resource/Kind` takes its CRD's short names,
 * categories and printer columns when the API part starts: kubectl resolves the short name
 * and the category through krm, and prints the API server's table.
 */
describe("a CRD's presentation through krm", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const suffix = randomBytes(3).toString("hex");
  const group = `t${suffix}.krm.example`;
  const shortName = `wg${suffix}`;
  const category = `krmtest${suffix}`;
  const ns = `krm-crd-${suffix}`;
  const dir = mkdtempSync(join(tmpdir(), "krm-crd-"));
  let stack: KrmStack;
  let krmKubeconfig = "";

  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: {
        plural: "widgets",
        singular: "widget",
        kind: "Widget",
        shortNames: [shortName],
        categories: [category],
      },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          additionalPrinterColumns: [
            { name: "Size", type: "string", jsonPath: ".spec.size" },
            { name: "Replicas", type: "integer", jsonPath: ".spec.replicas" },
            { name: "Ready", type: "string", jsonPath: ".status.conditions[0].status" },
            { name: "Tags", type: "string", jsonPath: ".spec.tags" },
            { name: "Enabled", type: "boolean", jsonPath: ".spec.enabled" },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
            { name: "Zone", type: "string", priority: 1, jsonPath: ".spec.placement.zone" },
          ],
        },
      ],
    },
  };
  const widgets = [
    {
      metadata: { name: "small" },
      spec: { size: "s", replicas: 1, tags: ["a", "b"], enabled: true, placement: { zone: "z1" } },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    },
    { metadata: { name: "large" }, spec: { size: "l", replicas: 12, enabled: false } },
    { metadata: { name: "bare" }, spec: {} },
  ];

  const onKrm = (args: string[]): string[] => [
    "--kubeconfig",
    krmKubeconfig,
    "--cache-dir",
    join(dir, "krm-cache"),
    ...args,
  ];
  const onServer = (args: string[]): string[] => [
    "--kubeconfig",
    cluster.kubeconfigPath,
    "--cache-dir",
    join(dir, "server-cache"),
    ...args,
  ];
  beforeAll(async () => {
    await kubectlOk(onServer(["apply", "-f", "-"]), { input: JSON.stringify(crd) });
    await kubectlOk(
      onServer(["wait", "--for=condition=Established", "--timeout=60s", `crd/widgets.${group}`]),
    );
    await kubectlOk(onServer(["create", "namespace", ns]));
    for (const widget of widgets) {
      const body = {
        apiVersion: `${group}/v1`,
        kind: "Widget",
        ...widget,
        metadata: { ...widget.metadata, namespace: ns },
      };
      await kubectlOk(onServer(["create", "-f", "-"]), { input: JSON.stringify(body) });
    }
    stack = await startKrmStack({
      kinds: [parseCustomKind(`${group}/v1/widgets/Widget`)],
      kubeConfig: admin,
      api: { kubeConfig: admin },
    });
    krmKubeconfig = writeKubeconfig(join(dir, "krm.kubeconfig"), { server: stack.api.url });
    await waitUntil(
      async () => {
        const list = json<{ items: unknown[] }>(
          await httpGet(`${stack.api.url}/apis/${group}/v1/namespaces/${ns}/widgets`),
        );
        return list.items.length === widgets.length ? true : undefined;
      },
      { what: "krm to hold the widgets", timeoutMs: 60_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await kubectlOk(onServer(["delete", "namespace", ns, "--wait=false"])).catch(() => undefined);
    await kubectlOk(onServer(["delete", "crd", `widgets.${group}`, "--wait=false"])).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("discovery lists the CRD's short names and categories", async () => {
    const list = json<{ resources: { name: string; shortNames?: string[]; categories?: string[] }[] }>(
      await httpGet(`${stack.api.url}/apis/${group}/v1`),
    );
    expect(list.resources.find((r) => r.name === "widgets")).toMatchObject({
      shortNames: [shortName],
      categories: [category],
    });
  });

  it.each([
    ["the short name", () => [shortName]],
    ["the short name, wide", () => [shortName, "-o", "wide"]],
    ["the category", () => [category]],
    ["the plural", () => ["widgets"]],
  ])("kubectl get by %s prints the API server's table (ages aside)", async (_what, target) => {
    const args = ["get", ...target(), "-n", ns];
    const fromKrm = tableCells(await kubectlOk(onKrm(args)));
    const fromServer = tableCells(await kubectlOk(onServer(args)));
    expect(fromKrm[0]).toEqual(
      target().includes("wide")
        ? ["NAME", "SIZE", "REPLICAS", "READY", "TAGS", "ENABLED", "ZONE"]
        : ["NAME", "SIZE", "REPLICAS", "READY", "TAGS", "ENABLED"],
    );
    expect(fromKrm).toHaveLength(widgets.length + 1);
    expect(fromKrm).toEqual(fromServer);
  });

  it("the Table carries the CRD's column definitions and typed cells", async () => {
    const accept = { headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } };
    const path = `/apis/${group}/v1/namespaces/${ns}/widgets?includeObject=None`;
    type Table = {
      columnDefinitions: { name: string; type: string; priority: number }[];
      rows: { cells: unknown[] }[];
    };
    const fromKrm = json<Table>(await httpGet(`${stack.api.url}${path}`, accept));
    const columns = fromKrm.columnDefinitions.map((c) => [c.name, c.type, c.priority]);
    expect(columns).toEqual([
      ["Name", "string", 0],
      ["Size", "string", 0],
      ["Replicas", "integer", 0],
      ["Ready", "string", 0],
      ["Tags", "string", 0],
      ["Enabled", "boolean", 0],
      ["Age", "date", 0],
      ["Zone", "string", 1],
    ]);
    const byName = new Map(fromKrm.rows.map((r) => [r.cells[0], r.cells]));
    expect(byName.get("small")?.slice(0, 6)).toEqual(["small", "s", 1, "True", '["a","b"]', true]);
    expect(byName.get("bare")?.slice(0, 6)).toEqual(["bare", null, null, null, null, null]);
  });
});
