import { randomBytes } from "node:crypto";
import { CoreV1Api, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { kubectlOk } from "../deploy/kubectl.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, json } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";

/**
 * auth=kubernetes with real RBAC: a service account allowed to list pods only in namespace
 * `a` reads exactly that through krm, and nothing else. Tokens must be minted for krm's
 * audience (`kubectl create token SA --audience krm`); one minted for the API server alone
 * is refused, so krm never holds a token it could replay against the API server.
 */
describe("auth=kubernetes enforces the API server's RBAC", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const suffix = randomBytes(3).toString("hex");
  const [a, b] = [`krm-rbac-a-${suffix}`, `krm-rbac-b-${suffix}`];
  const adminBinding = `krm-rbac-admin-${suffix}`;
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  let stack: KrmStack;
  let token = "";
  let adminToken = "";
  let namedToken = "";
  let getterToken = "";

  const get = (path: string, bearer?: string) =>
    httpGet(
      `${stack.api.url}${path}`,
      bearer === undefined ? {} : { headers: { Authorization: `Bearer ${bearer}` } },
    );
  /** `kubectl create token`, as the README tells users to mint a token for krm. */
  const createToken = async (account: string, audience?: string): Promise<string> =>
    (
      await kubectlOk([
        "--kubeconfig",
        cluster.kubeconfigPath,
        "create",
        "token",
        account,
        "-n",
        a,
        ...(audience !== undefined ? ["--audience", audience] : []),
      ])
    ).trim();

  beforeAll(async () => {
    for (const namespace of [a, b]) {
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      for (const name of ["p", "q"]) {
        await core.createNamespacedPod({
          namespace,
          body: {
            metadata: { name, labels: { app: name } },
            spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
          },
        });
      }
    }
    for (const name of ["reader", "admin", "named", "getter"]) {
      await core.createNamespacedServiceAccount({ namespace: a, body: { metadata: { name } } });
    }
    const role = async (
      name: string,
      account: string,
      rule: { verbs: string[]; resourceNames?: string[] },
    ) => {
      await rbac.createNamespacedRole({
        namespace: a,
        body: { metadata: { name }, rules: [{ apiGroups: [""], resources: ["pods"], ...rule }] },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: a,
        body: {
          metadata: { name },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
          subjects: [{ kind: "ServiceAccount", name: account, namespace: a }],
        },
      });
    };
    await role("list-pods", "reader", { verbs: ["list"] });
    // resourceNames: only list/watch naming p (fieldSelector=metadata.name=p) are allowed.
    await role("list-pod-p", "named", { verbs: ["list", "watch"], resourceNames: ["p"] });
    await role("get-pods", "getter", { verbs: ["get"] });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: adminBinding },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
        subjects: [{ kind: "ServiceAccount", name: "admin", namespace: a }],
      },
    });
    token = await createToken("reader", "krm");
    adminToken = await createToken("admin", "krm");
    namedToken = await createToken("named", "krm");
    getterToken = await createToken("getter", "krm");
    stack = await startKrmStack({
      kinds: [pods],
      kubeConfig: admin,
      api: {
        auth: { mode: "kubernetes" },
        kubeConfig: admin,
        dashboard: (_request, response) => {
          response.end("dashboard");
        },
      },
    });
    await waitUntil(
      async () =>
        json<{ items?: unknown[] }>(await get(`/api/v1/namespaces/${b}/pods`, adminToken)).items?.length === 2
          ? true
          : undefined,
      { what: "pods of b in krm", timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await rbac.deleteClusterRoleBinding({ name: adminBinding }).catch(() => undefined);
    for (const namespace of [a, b]) await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("200 for a list the role allows", async () => {
    const result = await get(`/api/v1/namespaces/${a}/pods`, token);
    expect(result.status).toBe(200);
    expect(
      json<{ items: { metadata: { name: string } }[] }>(result).items.map((p) => p.metadata.name),
    ).toEqual(["p", "q"]);
  });

  it("passes selectors to the SubjectAccessReview, which the API server accepts", async () => {
    const result = await get(`/api/v1/namespaces/${a}/pods?labelSelector=app%3Dq,tier!%3Dx`, token);
    expect(result.status).toBe(200);
    expect(json<{ items: unknown[] }>(result).items).toHaveLength(1);
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

  it("asks about name X for fieldSelector=metadata.name=X, so resourceNames grants apply", async () => {
    const named = await get(`/api/v1/namespaces/${a}/pods?fieldSelector=metadata.name%3Dp`, namedToken);
    expect(named.status).toBe(200);
    expect(
      json<{ items: { metadata: { name: string } }[] }>(named).items.map((p) => p.metadata.name),
    ).toEqual(["p"]);
    expect(
      (await get(`/api/v1/namespaces/${a}/pods?fieldSelector=metadata.name%3Dq`, namedToken)).status,
    ).toBe(403);
    expect((await get(`/api/v1/namespaces/${a}/pods`, namedToken)).status).toBe(403);
    expect(
      (
        await get(
          `/api/v1/namespaces/${a}/pods?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dp`,
          namedToken,
        )
      ).status,
    ).toBe(200);
  });

  it("lets a namespace-wide get grant read each object there, and no object elsewhere", async () => {
    for (const name of ["p", "q"]) {
      const result = await get(`/api/v1/namespaces/${a}/pods/${name}`, getterToken);
      expect(result.status).toBe(200);
      expect(json<{ metadata: { name: string } }>(result).metadata.name).toBe(name);
    }
    const elsewhere = await get(`/api/v1/namespaces/${b}/pods/p`, getterToken);
    expect(elsewhere.status).toBe(403);
    expect(json<{ message: string }>(elsewhere).message).toMatch(
      /pods "p" is forbidden: .* cannot get resource "pods" in API group "" in the namespace "krm-rbac-b-/,
    );
    expect((await get(`/api/v1/namespaces/${a}/pods`, getterToken)).status).toBe(403);
  });

  it.each([
    ["no token", () => undefined],
    ["a bad token", () => "not-a-real-token"],
    ["a token minted for the API server, not for krm", () => createToken("reader")],
    ["a token minted for another audience", () => createToken("reader", "vault")],
    ["the API server's static admin token (no audience)", () => cluster.adminToken],
  ])("401 for %s", async (_name, bearer) => {
    const presented = await bearer();
    for (const path of [`/api/v1/namespaces/${a}/pods`, "/api", "/status", "/metrics", "/dashboard/"]) {
      const result = await get(path, presented);
      expect(result.status).toBe(401);
      expect(json(result)).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized" });
    }
  });

  it("lets the admin read cluster-wide, and any authenticated user read discovery", async () => {
    expect((await get("/api/v1/pods", adminToken)).status).toBe(200);
    expect((await get("/api/v1", token)).status).toBe(200);
  });

  it("guards /metrics, /status and /dashboard with a non-resource SubjectAccessReview", async () => {
    for (const path of ["/metrics", "/status", "/dashboard/"]) {
      const denied = await get(path, token);
      expect(denied.status).toBe(403);
      expect(json<{ message: string }>(denied).message).toContain(`cannot get path "${path}"`);
      expect((await get(path, adminToken)).status).toBe(200);
    }
  });

  it("keeps /healthz and /readyz open and silent about kinds", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const result = await get(path);
      expect(result.status).toBe(200);
      expect(result.body).toBe("ok");
    }
  });
});
