/** What the kube-apiserver command line is built from. */
export interface KubeApiServerArgsOptions {
  readonly port: number;
  readonly etcdUrl: string;
  readonly certDir: string;
  readonly tokenAuthFile: string;
  readonly serviceAccountPublicKeyFile: string;
  readonly serviceAccountSigningKeyFile: string;
  /** Resources ("configmaps", "deployments.apps") served without a watch cache; see ControlPlaneOptions. */
  readonly watchCacheDisabledFor: readonly string[];
}

/**
 * Shortest watch lifetime the server picks for watches that set no timeoutSeconds (it picks
 * between this and twice this). Short, so tests see watches end and resume within seconds.
 */
export const MIN_REQUEST_TIMEOUT_SECONDS = 5;

/** Service IPs are allocated from here; nothing routes to them, there is no kube-proxy. */
export const SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24";

export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc";

/**
 * Flags for a kube-apiserver on loopback with no kubelet, controller-manager or scheduler:
 * - token auth from a static file (the admin is in system:masters) plus service-account
 *   tokens, so TokenRequest (`kubectl create token`) and RBAC work as in a real cluster;
 * - the ServiceAccount admission plugin is off, because without a controller-manager no
 *   "default" service account exists and pods would be refused;
 * - the endpoint reconciler is off: it would try to publish 127.0.0.1 as the kubernetes
 *   service endpoint, which validation rejects (loopback), and log errors forever;
 * - the watch cache is on (streaming lists need it) and WatchList is stated explicitly though
 *   it is on by default since 1.34, so the test fails loudly if a version turns it off;
 * - the serving certificate is self-signed into cert-dir for 127.0.0.1 and localhost.
 */
export function kubeApiServerArgs(options: KubeApiServerArgsOptions): string[] {
  const args = [
    "--advertise-address=127.0.0.1",
    "--bind-address=127.0.0.1",
    `--secure-port=${options.port}`,
    `--etcd-servers=${options.etcdUrl}`,
    `--cert-dir=${options.certDir}`,
    `--token-auth-file=${options.tokenAuthFile}`,
    "--authorization-mode=RBAC",
    "--disable-admission-plugins=ServiceAccount",
    `--min-request-timeout=${MIN_REQUEST_TIMEOUT_SECONDS}`,
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${options.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${options.serviceAccountSigningKeyFile}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    "--endpoint-reconciler-type=none",
    "--watch-cache=true",
    "--feature-gates=WatchList=true",
    "--allow-privileged=true",
    "--profiling=false",
  ];
  if (options.watchCacheDisabledFor.length > 0) {
    args.push(
      `--watch-cache-sizes=${options.watchCacheDisabledFor.map((resource) => `${resource}#0`).join(",")}`,
    );
  }
  return args;
}
