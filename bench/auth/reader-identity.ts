import { namespaceObject } from "../fixtures.js";
import { sendJson, type HttpTarget } from "../http-target.js";

/** Where the readers' ServiceAccount lives; not a population namespace, so reads never see it. */
export const READER_NAMESPACE = "bench-auth";
export const READER_ACCOUNT = "bench-reader";
/** krm's default `--auth-audiences` (docs/api-contract.md, Authentication). */
export const KRM_AUDIENCE = "krm";
/** Long enough for any bench run; the API server may shorten it, which still outlives a run. */
const TOKEN_SECONDS = 24 * 3600;

/** Bearer tokens of one ServiceAccount: one minted for krm's audience, one for the API server's. */
export interface ReaderTokens {
  readonly user: string;
  readonly krm: string;
  readonly apiServer: string;
}

async function ensure(admin: HttpTarget, path: string, body: object): Promise<void> {
  const { status, body: answer } = await sendJson(admin, "POST", path, body);
  if (status !== 201 && status !== 200 && status !== 409) {
    throw new Error(`POST ${path}: HTTP ${status}: ${JSON.stringify(answer).slice(0, 300)}`);
  }
}

async function token(admin: HttpTarget, audiences: readonly string[] | undefined): Promise<string> {
  const path = `/api/v1/namespaces/${READER_NAMESPACE}/serviceaccounts/${READER_ACCOUNT}/token`;
  const { status, body } = await sendJson(admin, "POST", path, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { expirationSeconds: TOKEN_SECONDS, ...(audiences === undefined ? {} : { audiences }) },
  });
  const minted = (body as { status?: { token?: string } }).status?.token;
  if (status !== 201 || minted === undefined) throw new Error(`TokenRequest: HTTP ${status}`);
  return minted;
}

/**
 * A reader as a real client is one: a ServiceAccount allowed to get, list and watch the bench's
 * kinds cluster-wide (and to get /metrics, as a Prometheus scraper may) through RBAC (no system:masters shortcut), so the API server runs its
 * authenticator and authorizer for every request, as krm's `--auth kubernetes` does with
 * TokenReview and SubjectAccessReview.
 */
export async function createReaderIdentity(admin: HttpTarget): Promise<ReaderTokens> {
  await ensure(admin, "/api/v1/namespaces", namespaceObject(READER_NAMESPACE));
  await ensure(admin, `/api/v1/namespaces/${READER_NAMESPACE}/serviceaccounts`, {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: READER_ACCOUNT },
  });
  await ensure(admin, "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: READER_ACCOUNT },
    rules: [
      {
        apiGroups: [""],
        resources: ["pods", "services", "nodes", "namespaces"],
        verbs: ["get", "list", "watch"],
      },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch"] },
      // The bench scrapes the measured krm replica's heap from /metrics (docs/metrics.md).
      { nonResourceURLs: ["/metrics"], verbs: ["get"] },
    ],
  });
  await ensure(admin, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: READER_ACCOUNT },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: READER_ACCOUNT },
    subjects: [{ kind: "ServiceAccount", name: READER_ACCOUNT, namespace: READER_NAMESPACE }],
  });
  return {
    user: `system:serviceaccount:${READER_NAMESPACE}:${READER_ACCOUNT}`,
    krm: await token(admin, [KRM_AUDIENCE]),
    apiServer: await token(admin, undefined),
  };
}
