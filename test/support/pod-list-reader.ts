import { CoreV1Api, RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { kubectlOk } from "../deploy/kubectl.js";
import type { SharedCluster } from "./shared-cluster.js";

/**
 * A ServiceAccount `reader` in `namespace` (which must exist) allowed only to list its pods,
 * and a token for it minted for krm's audience, as the README tells users to mint one
 * (`kubectl create token SA --audience krm`). Returns the token.
 */
export async function createPodListReader(cluster: SharedCluster, namespace: string): Promise<string> {
  const admin = cluster.kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: "reader" } } });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: "list-pods" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: "reader" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "list-pods" },
      subjects: [{ kind: "ServiceAccount", name: "reader", namespace }],
    },
  });
  const args = ["--kubeconfig", cluster.kubeconfigPath, "create", "token", "reader", "-n", namespace];
  return (await kubectlOk([...args, "--audience", "krm"])).trim();
}
