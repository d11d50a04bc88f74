import { randomBytes } from "node:crypto";
import { CoreV1Api, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../support/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";

/**
 * auth=kubernetes with real RBAC: a service account allowed to list pods only in namespace
 * `a` reads exactly that through krm, and nothing else.
 */
describe("auth=kubernetes enforces the API server's RBAC", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const suffix = randomBytes(3).toString("hex");
  const [a, b] = [`krm-rbac-a-${suffix}`, `krm-rbac-b-${suffix}`];
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  let stack: KrmStack;
  let token = "";

  const get = (path: string, bearer?: string) =>
    httpGet(
      `${stack.api.url}${path}`,
      bearer === undefined ? {} : { headers: { Authorization: `Bearer ${bearer}` } },
    );

  beforeAll(async () => {
    for (const namespace of [a, b]) {
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      await core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name: "p" },
          spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
        },
      });
    }
    await core.createNamespacedServiceAccount({ namespace: a, body: { metadata: { name: "reader" } } });
    await rbac.createNamespacedRole({
      namespace: a,
      body: {
        metadata: { name: "list-pods" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: a,
      body: {
        metadata: { name: "reader-lists-pods" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "list-pods" },
        subjects: [{ kind: "ServiceAccount", name: "reader", namespace: a }],
      },
    });
    const request = await core.createNamespacedServiceAccountToken({
      namespace: a,
      name: "reader",
      body: { spec: { expirationSeconds: 3600, audiences: [] } },
    });
    token = request.status?.token ?? "";
    stack = await startKrmStack({
      kinds: [pods],
      kubeConfig: admin,
      api: { auth: { mode: "kubernetes" }, kubeConfig: admin },
    });
    await waitUntil(
      async () =>
        json<{ items?: unknown[] }>(await get(`/api/v1/namespaces/${b}/pods`, cluster.adminToken)).items
          ?.length === 1
          ? true
          : undefined,
      { what: "pods of b in krm", timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    for (const namespace of [a, b]) await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("200 for a list the role allows", async () => {
    const result = await get(`/api/v1/namespaces/${a}/pods`, token);
    expect(result.status).toBe(200);
    expect(
      json<{ items: { metadata: { name: string } }[] }>(result).items.map((p) => p.metadata.name),
    ).toEqual(["p"]);
  });

  it.each([
    [
      "a list in another namespace",
      () => `/api/v1/namespaces/${b}/pods`,
      /cannot list resource "pods" in API group "" in the namespace "krm-rbac-b-/,
    ],
    [
      "a cluster-wide list",
      () => "/api/v1/pods",
      /cannot list resource "pods" in API group "" at the cluster scope/,
    ],
    ["a get the role does not grant", () => `/api/v1/namespaces/${a}/pods/p`, /cannot get resource "pods"/],
    [
      "a watch the role does not grant",
      () => `/api/v1/namespaces/${a}/pods?watch=true`,
      /cannot watch resource "pods"/,
    ],
  ])("403 for %s", async (_name, path, message) => {
    const result = await get(path(), token);
    expect(result.status).toBe(403);
    const status = json<{ message: string }>(result);
    expect(status).toMatchObject({ kind: "Status", code: 403, reason: "Forbidden" });
    expect(status.message).toMatch(message);
  });

  it.each([
    ["no token", undefined],
    ["a bad token", "not-a-real-token"],
  ])("401 for %s", async (_name, bearer) => {
    for (const path of [`/api/v1/namespaces/${a}/pods`, "/api", "/status"]) {
      const result = await get(path, bearer);
      expect(result.status).toBe(401);
      expect(json(result)).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized" });
    }
  });

  it("lets the admin read cluster-wide, and any authenticated user read discovery", async () => {
    expect((await get("/api/v1/pods", cluster.adminToken)).status).toBe(200);
    expect((await get("/api/v1", token)).status).toBe(200);
  });
});
