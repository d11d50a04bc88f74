/** What the command lines of kube-scheduler, kube-controller-manager and kwok are built from. */
export interface LifelikeComponentArgsOptions {
  /** Admin kubeconfig of the control plane (token auth, CA embedded). */
  readonly kubeconfigPath: string;
  /** Loopback port for the component's health endpoint. */
  readonly port: number;
  /** Where kube-scheduler and kube-controller-manager write their self-signed serving certificate. */
  readonly certDir: string;
}

/**
 * How long a node may go without a lease renewal before the node lifecycle controller marks it
 * NotReady (default 50 s). kwok renews every node's lease from one process every ~10 s; on a
 * loaded test machine a late renewal must not taint nodes and, after that, evict their pods.
 * The controller itself is needed: it removes the `node.kubernetes.io/not-ready` taint the API
 * server puts on every new node once kwok makes the node Ready.
 */
export const NODE_MONITOR_GRACE_PERIOD = "5m";

/** Pod IPs kwok hands out: wide enough for benchmarks, apart from the service range (10.0.0.0/24). */
export const KWOK_POD_CIDR = "10.64.0.0/10";

/** Seconds kwok's node leases last (kwok's default); it renews them well before. */
export const KWOK_NODE_LEASE_SECONDS = 40;

/** Flags both kube components share: admin kubeconfig, loopback health port, no leader election. */
function kubeComponentArgs(options: LifelikeComponentArgsOptions): string[] {
  return [
    `--kubeconfig=${options.kubeconfigPath}`,
    // No --authentication/authorization-kubeconfig: /healthz is served to anyone anyway, and
    // without a client CA the API server publishes no extension-apiserver-authentication
    // config map for them to read (they would log its absence forever).
    "--bind-address=127.0.0.1",
    `--secure-port=${options.port}`,
    `--cert-dir=${options.certDir}`,
    // One instance per cluster; a lease missed on a loaded machine would make it exit.
    "--leader-elect=false",
    // Above the defaults (20-50/s), so tests that churn hundreds of pods are not throttled.
    "--kube-api-qps=100",
    "--kube-api-burst=200",
    "--profiling=false",
  ];
}

/** kube-scheduler with its default profile (NodeResourcesFit, taints, node selectors, ...). */
export function kubeSchedulerArgs(options: LifelikeComponentArgsOptions): string[] {
  return kubeComponentArgs(options);
}

export interface KubeControllerManagerArgsOptions extends LifelikeComponentArgsOptions {
  /** Private key of the control plane's service-account issuer, for the token controller. */
  readonly serviceAccountSigningKeyFile: string;
  /** CA put into service-account secrets and kube-root-ca.crt config maps. */
  readonly rootCaFile: string;
}

/**
 * kube-controller-manager with its default controllers: deployments, replica sets, jobs,
 * resource quotas (status.used), namespaces (deletion), the garbage collector, node lifecycle
 * (taints from node conditions), service accounts, endpoints and the rest.
 */
export function kubeControllerManagerArgs(options: KubeControllerManagerArgsOptions): string[] {
  return [
    ...kubeComponentArgs(options),
    // All default controllers; the cloud and node-IPAM ones skip themselves here (no cloud
    // provider, no --allocate-node-cidrs).
    "--controllers=*",
    `--node-monitor-grace-period=${NODE_MONITOR_GRACE_PERIOD}`,
    `--service-account-private-key-file=${options.serviceAccountSigningKeyFile}`,
    `--root-ca-file=${options.rootCaFile}`,
    "--use-service-account-credentials=false",
  ];
}

export interface KwokArgsOptions {
  readonly kubeconfigPath: string;
  /** Loopback port of kwok's HTTP server (/healthz). */
  readonly port: number;
  /** The Stage file (local/cluster/kwok-stages.yaml). */
  readonly stagesPath: string;
}

/**
 * kwok managing every node: nodes become Ready keeping the allocatable they were created with,
 * pods bound to them Running, Job pods Succeeded (see the Stage file).
 */
export function kwokArgs(options: KwokArgsOptions): string[] {
  return [
    `--kubeconfig=${options.kubeconfigPath}`,
    `--config=${options.stagesPath}`,
    "--manage-all-nodes=true",
    `--cidr=${KWOK_POD_CIDR}`,
    `--node-lease-duration-seconds=${KWOK_NODE_LEASE_SECONDS}`,
    `--server-address=127.0.0.1:${options.port}`,
  ];
}
