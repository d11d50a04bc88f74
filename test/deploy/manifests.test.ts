import { randomBytes } from "node:crypto";
import { AuthorizationV1Api, type V1ResourceAttributes } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { kubectlOk, runKubectl } from "./kubectl.js";
import { asKubeObjects, renderDeployOverlay, type KubeObject, type RenderedManifests } from "./render.js";

/**
 * deploy/ against the real test API server: every object passes server-side dry-run
 * (schema, strict field validation, admission), and the RBAC, applied for real, grants the
 * service accounts what krm needs and nothing more, as SubjectAccessReviews decide.
 *
 * The shared cluster is shared: the manifests are rendered into a namespace and with a name
 * suffix of this run's own, so the cluster-scoped ClusterRoles and bindings cannot collide.
 */

const RUN = randomBytes(3).toString("hex");
const NAMESPACE = `krm-deploy-${RUN}`;
const SUFFIX = `-${RUN}`;
const RBAC_KINDS = new Set(["ServiceAccount", "ClusterRole", "ClusterRoleBinding"]);

const cluster = sharedCluster();
const kubeconfig = ["--kubeconfig", cluster.kubeconfigPath];

let manifests: RenderedManifests;

function toList(objects: readonly KubeObject[]): string {
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: objects });
}

function identity(object: KubeObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

/** `kubectl apply --dry-run=server`: the objects as the API server would have stored them. */
async function dryRunApply(yaml: string): Promise<KubeObject[]> {
  const output = await kubectlOk(
    [...kubeconfig, "apply", "--dry-run=server", "--validate=strict", "-o", "json", "-f", "-"],
    { input: yaml },
  );
  // Several objects come back as one List (whose metadata has no name), one as itself.
  const parsed = JSON.parse(output) as { kind: string; items?: unknown[] };
  return asKubeObjects(parsed.kind === "List" ? (parsed.items ?? []) : [parsed]);
}

beforeAll(async () => {
  manifests = await renderDeployOverlay({ namespace: NAMESPACE, nameSuffix: SUFFIX });
  // Namespaced objects can only be dry-run into a namespace that exists.
  const namespace = manifests.objects.filter((object) => object.kind === "Namespace");
  expect(namespace.map((object) => object.metadata.name)).toEqual([NAMESPACE]);
  await kubectlOk([...kubeconfig, "apply", "-f", "-"], { input: toList(namespace) });
});

afterAll(async () => {
  // Only the cluster-scoped objects this file created; the namespace stays (no namespace
  // controller runs in the test cluster to finish deleting it).
  const clusterScoped = manifests.objects.filter(
    (o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding",
  );
  await kubectlOk([...kubeconfig, "delete", "--ignore-not-found", "-f", "-"], {
    input: toList(clusterScoped),
  });
});

describe("server-side dry-run", () => {
  it("accepts every object of deploy/", async () => {
    const accepted = await dryRunApply(manifests.yaml);
    expect(accepted.map(identity).sort()).toEqual(manifests.objects.map(identity).sort());
    expect(manifests.objects.length).toBeGreaterThanOrEqual(25);
  });

  it("is strict: a misspelt field is rejected, so acceptance means something", async () => {
    const api = manifests.objects.find(
      (object) => object.kind === "Deployment" && object.metadata.name === `krm-api${SUFFIX}`,
    );
    const misspelt = JSON.parse(JSON.stringify(api)) as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    misspelt.spec.template.spec["serviceAcountName"] = "typo";
    const result = await runKubectl(
      [...kubeconfig, "apply", "--dry-run=server", "--validate=strict", "-f", "-"],
      {
        input: JSON.stringify(misspelt),
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/unknown field "spec.template.spec.serviceAcountName"/);
  });

  it("accepts deploy/ with the external-redis component", async () => {
    const external = await renderDeployOverlay({
      namespace: NAMESPACE,
      nameSuffix: SUFFIX,
      components: ["components/external-redis"],
    });
    const accepted = await dryRunApply(external.yaml);
    expect(accepted.map(identity).sort()).toEqual(external.objects.map(identity).sort());
    expect(accepted.some((object) => object.kind === "StatefulSet")).toBe(false);
  });
});

describe("RBAC, decided by SubjectAccessReviews", () => {
  const authorization = cluster.kubeConfig().makeApiClient(AuthorizationV1Api);
  const pipeline = `krm-pipeline${SUFFIX}`;
  const api = `krm-api${SUFFIX}`;
  let pipelineListedPodsBeforeApply = true;

  /** Whether the API server lets the service account do that, with the groups it would have. */
  async function allowed(serviceAccount: string, attributes: V1ResourceAttributes): Promise<boolean> {
    const review = await authorization.createSubjectAccessReview({
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: `system:serviceaccount:${NAMESPACE}:${serviceAccount}`,
          groups: ["system:serviceaccounts", `system:serviceaccounts:${NAMESPACE}`, "system:authenticated"],
          resourceAttributes: attributes,
        },
      },
    });
    return review.status?.allowed === true;
  }

  beforeAll(async () => {
    pipelineListedPodsBeforeApply = await allowed(pipeline, { verb: "list", resource: "pods" });
    const rbac = manifests.objects.filter((object) => RBAC_KINDS.has(object.kind));
    expect(rbac).toHaveLength(6);
    await kubectlOk([...kubeconfig, "apply", "-f", "-"], { input: toList(rbac) });
  });

  it("grants nothing by itself: the service account could not list pods before krm's RBAC", () => {
    expect(pipelineListedPodsBeforeApply).toBe(false);
  });

  it.each(
    BUILTIN_KINDS.flatMap((kind) =>
      ["get", "list", "watch"].flatMap((verb) => [
        { verb, kind: kind.id, group: kind.group, resource: kind.resource, namespace: undefined },
        ...(kind.namespaced
          ? [{ verb, kind: kind.id, group: kind.group, resource: kind.resource, namespace: "default" }]
          : []),
      ]),
    ),
  )("lets the pipelines $verb $kind (namespace $namespace)", async ({ verb, group, resource, namespace }) => {
    expect(await allowed(pipeline, { verb, group, resource, namespace })).toBe(true);
  });

  it.each([
    { verb: "create", group: "authentication.k8s.io", resource: "tokenreviews" },
    { verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews" },
    { verb: "get", group: "apiextensions.k8s.io", resource: "customresourcedefinitions" },
  ])("lets the API $verb $resource", async (attributes) => {
    expect(await allowed(api, attributes)).toBe(true);
  });

  const deniedToBoth: V1ResourceAttributes[] = [
    { verb: "get", resource: "secrets" },
    { verb: "get", resource: "secrets", namespace: NAMESPACE },
    { verb: "list", resource: "secrets", namespace: "kube-system" },
    { verb: "list", resource: "configmaps" },
    { verb: "get", resource: "configmaps", namespace: NAMESPACE },
    { verb: "create", resource: "pods", namespace: "default" },
    { verb: "update", resource: "pods", namespace: "default" },
    { verb: "patch", group: "apps", resource: "deployments", namespace: "default" },
    { verb: "delete", resource: "pods", namespace: "default" },
    { verb: "delete", resource: "nodes" },
    { verb: "delete", group: "apps", resource: "deployments", namespace: "default" },
    { verb: "deletecollection", resource: "pods", namespace: "default" },
    { verb: "delete", group: "*", resource: "*" },
    { verb: "create", resource: "pods", subresource: "exec", namespace: "default" },
    { verb: "get", resource: "pods", subresource: "log", namespace: "default" },
    { verb: "create", resource: "serviceaccounts", subresource: "token", namespace: NAMESPACE },
    { verb: "escalate", group: "rbac.authorization.k8s.io", resource: "clusterroles" },
    { verb: "impersonate", resource: "users" },
  ];

  it.each(
    deniedToBoth.flatMap((attributes) => [
      { who: "pipelines", account: pipeline, ...attributes },
      { who: "API", account: api, ...attributes },
    ]),
  )(
    "denies the $who $verb $resource $subresource (namespace $namespace)",
    async ({ who: _who, account, ...attributes }) => {
      expect(await allowed(account, attributes)).toBe(false);
    },
  );

  it.each([
    { verb: "create", group: "authentication.k8s.io", resource: "tokenreviews" },
    { verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews" },
  ])("denies the pipelines $verb $resource (only the API needs it)", async (attributes) => {
    expect(await allowed(pipeline, attributes)).toBe(false);
  });

  it.each([
    { verb: "list", resource: "pods" },
    { verb: "watch", group: "networking.k8s.io", resource: "ingresses" },
    { verb: "get", resource: "nodes" },
  ])(
    "denies the API $verb $resource (it serves from Redis, never from the API server)",
    async (attributes) => {
      expect(await allowed(api, attributes)).toBe(false);
    },
  );
});
