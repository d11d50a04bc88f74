import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiGroupDiscoveryList, ApiResourceDiscovery } from "../../api/discovery/aggregated.js";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, parseCustomKind } from "../../core/kinds.js";
import { DEFAULT_POLICY } from "../../usage/rightsizing/policy.js";
import { usageViews } from "../../usage/views/usage-views.js";
import { kubectlOk, runKubectl } from "../deploy/kubectl.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";
import { loggedGetPaths, tableCells } from "./helpers/kubectl-output.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";

/** What client-go 1.32 (kubectl) sends to /api and /apis. */
const CLIENT_GO_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/**
 * kube-apiserver leaves `responseKind`'s group and version empty for its built-in resources
 * (meaning the enclosing group-version, which is what client-go reads it as) and fills them
 * for CRDs; krm always fills them. Compared with the empty ones filled in.
 */
function fullKind(
  resource: ApiResourceDiscovery,
  group: string,
  version: string,
): ApiResourceDiscovery["responseKind"] {
  const kind = resource.responseKind;
  return {
    group: kind.group === "" ? group : kind.group,
    version: kind.version === "" ? version : kind.version,
    kind: kind.kind,
  };
}

/** The groups krm computes itself (docs/derived-views.md); the API server has none of them. */
const DERIVED_GROUPS = ["capacity.krm.dev", "usage.krm.dev"];

/**
 * Aggregated discovery (apidiscovery.k8s.io/v2) through krm beside the real kube-apiserver:
 * for every resource both serve, krm's entry has the server's shape, and kubectl 1.32 with a
 * fresh cache asks `/api` and `/apis` once each and never a group-version, then prints what
 * it prints from the API server.
 */
describe("aggregated discovery through krm", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const suffix = randomBytes(3).toString("hex");
  const group = `d${suffix}.krm.example`;
  const shortName = `gd${suffix}`;
  const ns = `krm-disc-${suffix}`;
  const gadgets = parseCustomKind(`${group}/v1/gadgets/Gadget`);
  const dir = mkdtempSync(join(tmpdir(), "krm-disc-"));
  let stack: KrmStack;
  let krmKubeconfig = "";
  let caches = 0;

  const crd = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `gadgets.${group}` },
    spec: {
      group,
      scope: "Namespaced",
      names: {
        plural: "gadgets",
        singular: "gadget",
        kind: "Gadget",
        shortNames: [shortName],
        categories: [`krmdisc${suffix}`],
      },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
  /** Every kubectl run starts with an empty discovery cache of its own. */
  const freshCache = (): string[] => ["--cache-dir", join(dir, `cache-${(caches += 1)}`)];
  const onKrm = (args: string[]): string[] => ["--kubeconfig", krmKubeconfig, ...freshCache(), ...args];
  const onServer = (args: string[]): string[] => [
    "--kubeconfig",
    cluster.kubeconfigPath,
    ...freshCache(),
    ...args,
  ];
  const aggregatedFrom = async (url: string, headers: Record<string, string> = {}) => {
    const result = await httpGet(url, {
      headers: { Accept: CLIENT_GO_ACCEPT, ...headers },
      ...(url.startsWith("https:") ? { ca: readFileSync(cluster.caPath) } : {}),
    });
    expect(result.status).toBe(200);
    return { contentType: result.headers["content-type"], list: json<ApiGroupDiscoveryList>(result) };
  };

  beforeAll(async () => {
    await kubectlOk(onServer(["apply", "-f", "-"]), { input: JSON.stringify(crd) });
    await kubectlOk(
      onServer(["wait", "--for=condition=Established", "--timeout=60s", `crd/gadgets.${group}`]),
    );
    await kubectlOk(onServer(["create", "namespace", ns]));
    const objects = [
      ...["a", "b"].map((name) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `pod-${name}`, namespace: ns },
        spec: { containers: [{ name: "c", image: "registry.invalid/none:1" }] },
      })),
      { apiVersion: `${group}/v1`, kind: "Gadget", metadata: { name: "g1", namespace: ns }, spec: {} },
    ];
    for (const object of objects) {
      await kubectlOk(onServer(["create", "-f", "-"]), { input: JSON.stringify(object) });
    }
    stack = await startKrmStack({
      kinds: [...BUILTIN_KINDS, gadgets],
      kubeConfig: admin,
      api: {
        kubeConfig: admin,
        derivedViews: [
          capacityViews({ config: { poolLabel: "krm-test.dev/pool" } }),
          usageViews({ policy: DEFAULT_POLICY, labelKeys: [] }),
        ],
      },
    });
    krmKubeconfig = writeKubeconfig(join(dir, "krm.kubeconfig"), { server: stack.api.url });
    await waitUntil(
      async () => {
        const pods = json<{ items: unknown[] }>(
          await httpGet(`${stack.api.url}/api/v1/namespaces/${ns}/pods`),
        );
        const gadgets = json<{ items: unknown[] }>(
          await httpGet(`${stack.api.url}/apis/${group}/v1/namespaces/${ns}/gadgets`),
        );
        return pods.items.length === 2 && gadgets.items.length === 1 ? true : undefined;
      },
      { what: "krm to hold the test objects", timeoutMs: 60_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await kubectlOk(onServer(["delete", "namespace", ns, "--wait=false"])).catch(() => undefined);
    await kubectlOk(onServer(["delete", "crd", `gadgets.${group}`, "--wait=false"])).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(["/api", "/apis"])(
    "%s: every resource krm caches is described as the API server describes it",
    async (root) => {
      const fromKrm = await aggregatedFrom(`${stack.api.url}${root}`);
      const fromServer = await aggregatedFrom(`${cluster.clusterUrl}${root}`, {
        Authorization: `Bearer ${cluster.adminToken}`,
      });
      expect(fromKrm.contentType).toBe(fromServer.contentType);
      expect(fromKrm.contentType).toBe(
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
      );
      expect([fromKrm.list.kind, fromKrm.list.apiVersion]).toEqual([
        fromServer.list.kind,
        fromServer.list.apiVersion,
      ]);
      const compared: string[] = [];
      for (const item of fromKrm.list.items) {
        if (DERIVED_GROUPS.includes(item.metadata.name)) continue;
        // The server leaves the core group's empty name out.
        const serverItem = fromServer.list.items.find((i) => (i.metadata.name ?? "") === item.metadata.name);
        for (const version of item.versions) {
          const serverVersion = serverItem?.versions.find((v) => v.version === version.version);
          expect(version.freshness).toBe(serverVersion?.freshness ?? "Current");
          for (const resource of version.resources) {
            const served = serverVersion?.resources.find((r) => r.resource === resource.resource);
            const { verbs, ...shape } = resource;
            expect(
              served === undefined
                ? undefined
                : { ...served, responseKind: fullKind(served, item.metadata.name, version.version) },
              `${item.metadata.name}/${version.version} ${resource.resource}`,
            ).toMatchObject(shape);
            expect(served?.shortNames ?? []).toEqual(resource.shortNames ?? []);
            expect(served?.categories ?? []).toEqual(resource.categories ?? []);
            // krm is read-only: its verbs are some of the server's.
            expect(served?.verbs).toEqual(expect.arrayContaining([...verbs]));
            compared.push(resource.resource);
          }
        }
      }
      const cached = [...BUILTIN_KINDS, gadgets].filter((k) => (root === "/api") === (k.group === ""));
      expect(compared.sort()).toEqual(cached.map((k) => k.resource).sort());
    },
  );

  it("/apis lists krm's derived groups beside the cached ones", async () => {
    const { list } = await aggregatedFrom(`${stack.api.url}/apis`);
    const names = list.items.map((i) => i.metadata.name);
    expect(names).toEqual(expect.arrayContaining(["apps", "networking.k8s.io", group, ...DERIVED_GROUPS]));
    const usage = list.items.find((i) => i.metadata.name === "usage.krm.dev")?.versions[0]?.resources;
    expect(usage?.map((r) => r.resource)).toEqual(
      expect.arrayContaining(["usagereviews", "recommendations"]),
    );
  });

  it("kubectl api-resources asks /api and /apis once each and prints the API server's rows", async () => {
    const result = await runKubectl(onKrm(["-v=6", "api-resources"]));
    expect(result.status, result.stderr).toBe(0);
    expect(loggedGetPaths(result.stderr)).toEqual(["/api", "/apis"]);
    const fromKrm = tableCells(result.stdout, []);
    const fromServer = tableCells(await kubectlOk(onServer(["api-resources"])), []);
    expect(fromKrm[0]).toEqual(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]);
    const key = (row: string[]): string => `${row[0]} ${row[2]}`;
    const cachedRows = fromKrm
      .slice(1)
      .filter((row) => !DERIVED_GROUPS.some((g) => row[2]?.startsWith(`${g}/`)));
    expect(cachedRows).toHaveLength(BUILTIN_KINDS.length + 1);
    for (const row of cachedRows) expect(fromServer.find((r) => key(r) === key(row))).toEqual(row);
    expect(fromKrm).toContainEqual(["nodepools", "np", "capacity.krm.dev/v1alpha1", "false", "NodePool"]);
  });

  it.each([
    ["pods", () => ["pods"], () => `/api/v1/namespaces/${ns}/pods`],
    ["a CRD's short name", () => [shortName], () => `/apis/${group}/v1/namespaces/${ns}/gadgets`],
  ])(
    "kubectl get %s: one discovery request per root, then the list; the API server's table",
    async (_what, target, listPath) => {
      const args = ["get", ...target(), "-n", ns];
      const result = await runKubectl(onKrm(["-v=6", ...args]));
      expect(result.status, result.stderr).toBe(0);
      expect(loggedGetPaths(result.stderr)).toEqual(["/api", "/apis", listPath()]);
      const fromKrm = tableCells(result.stdout);
      expect(fromKrm.length).toBeGreaterThan(1);
      expect(fromKrm).toEqual(tableCells(await kubectlOk(onServer(args))));
    },
  );
});
