import { isIPv6 } from "node:net";
import { join } from "node:path";
import { DirectAccess } from "./direct-access.js";

/** Where the kubelet mounts a pod's service-account token and the cluster's CA. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * The API server as a pod sees it: KUBERNETES_SERVICE_HOST/PORT, the mounted CA, and the
 * mounted token, re-read as the kubelet rotates it (as client-go's in-cluster config does).
 */
export function inClusterAccess(env: NodeJS.ProcessEnv, dir = SERVICE_ACCOUNT_DIR): DirectAccess {
  const host = env["KUBERNETES_SERVICE_HOST"] ?? "";
  const port = env["KUBERNETES_SERVICE_PORT"] ?? "443";
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  return new DirectAccess(
    { server, caFile: join(dir, "ca.crt"), skipTLSVerify: false },
    { tokenFile: join(dir, "token"), plugin: false },
  );
}
