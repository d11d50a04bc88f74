/**
 * Lease writes are authorized like reads (design §8): under `--auth kubernetes` creating and
 * deleting a capacitylease asks the API server a SubjectAccessReview for create/delete on
 * capacity.krm.dev/capacityleases. A service account without the grant gets 403 on both; one
 * with the grant gets 201 and 200. Tokens are minted for krm's audience (see test/api/rbac.test.ts).
 */
import { randomBytes } from "node:crypto";
import { CoreV1Api, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { httpGet, json, type HttpResult } from "../api/helpers/http-get.js";
import { startKrmStack, type KrmStack } from "../api/helpers/krm-stack.js";
import { kubectlOk } from "../deploy/kubectl.js";
import { sharedCluster } from "../support/shared-cluster.js";

const POOL_LABEL = "krm-test.dev/pool";
const LEASES = "/apis/capacity.krm.dev/v1alpha1/capacityleases";
const kinds = BUILTIN_KINDS.filter((k): k is KindSpec => k.id === "pods" || k.id === "nodes");

describe("capacitylease create/delete are authorized by SubjectAccessReview", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const suffix = randomBytes(3).toString("hex");
  const ns = `krm-lease-auth-${suffix}`;
  const nodeName = `lease-auth-${suffix}`;
  const role = `krm-leaser-${suffix}`;
  let stack: KrmStack;
  let granted = "";
  let denied = "";

  const createToken = async (account: string): Promise<string> =>
    (
      await kubectlOk([
        "--kubeconfig",
        cluster.kubeconfigPath,
        "create",
        "token",
        account,
        "-n",
        ns,
        "--audience",
        "krm",
      ])
    ).trim();
  const send = (method: string, path: string, token: string, body?: unknown): Promise<HttpResult> =>
    body === undefined
      ? httpGet(`${stack.api.url}${path}`, { method, headers: { Authorization: `Bearer ${token}` } })
      : fetch(`${stack.api.url}${path}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, headers: {}, body: await r.text() }));
  const lease = (name: string) => ({
    metadata: { name },
    spec: { resources: { cpu: "100m" }, pools: 1, ttlSeconds: 600, holder: "ci" },
  });

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await core.createNode({
      body: {
        metadata: { name: nodeName, labels: { [POOL_LABEL]: `lease-auth-${suffix}` } },
        status: {
          allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
          capacity: { cpu: "4", memory: "8Gi", pods: "110" },
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
    // No node controller on the shared control plane lifts the not-ready taint; lift it as it would.
    const created = await core.readNode({ name: nodeName });
    await core.replaceNode({ name: nodeName, body: { ...created, spec: { ...created.spec, taints: [] } } });
    for (const name of ["leaser", "bystander"])
      await core.createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name } } });
    await rbac.createClusterRole({
      body: {
        metadata: { name: role },
        rules: [
          { apiGroups: ["capacity.krm.dev"], resources: ["capacityleases"], verbs: ["create", "delete"] },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: role },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
        subjects: [{ kind: "ServiceAccount", name: "leaser", namespace: ns }],
      },
    });
    granted = await createToken("leaser");
    denied = await createToken("bystander");
    stack = await startKrmStack({
      kinds,
      kubeConfig: admin,
      api: {
        auth: { mode: "kubernetes" },
        kubeConfig: admin,
        derivedViews: [capacityViews({ config: { poolLabel: POOL_LABEL }, leasePollMs: 200 })],
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await rbac.deleteClusterRoleBinding({ name: role }).catch(() => undefined);
    await rbac.deleteClusterRole({ name: role }).catch(() => undefined);
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    await core.deleteNode({ name: nodeName }).catch(() => undefined);
  });

  const expectForbidden = (result: HttpResult, verb: string): void => {
    expect(result.status).toBe(403);
    const status = json<{ message: string }>(result);
    expect(status).toMatchObject({ kind: "Status", code: 403, reason: "Forbidden" });
    expect(status.message).toMatch(
      new RegExp(`cannot ${verb} resource "capacityleases" in API group "capacity.krm.dev"`),
    );
  };

  it("403 on create without the grant; 201 with it", async () => {
    expectForbidden(await send("POST", LEASES, denied, lease(`denied-${suffix}`)), "create");
    const created = await send("POST", LEASES, granted, lease(`held-${suffix}`));
    expect(created.status, created.body).toBe(201);
    expect(json(created)).toMatchObject({ kind: "CapacityLease", metadata: { name: `held-${suffix}` } });
  });

  it("403 on delete without the grant, leaving the lease; 200 with it", async () => {
    expectForbidden(await send("DELETE", `${LEASES}/held-${suffix}`, denied), "delete");
    const released = await send("DELETE", `${LEASES}/held-${suffix}`, granted);
    expect(released.status, released.body).toBe(200);
    expect(json(released)).toMatchObject({ status: { phase: "Released" } });
  });
});
