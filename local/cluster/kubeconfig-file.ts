import { writeFileSync } from "node:fs";

export interface KubeconfigContent {
  /** API server URL, https://host:port (or http:// for a server without TLS). */
  readonly server: string;
  /** PEM of the CA that signed the server certificate; embedded, so the file stands alone. None for plain HTTP. */
  readonly caPem?: string;
  /** Bearer token; none for a krm API served without auth (--auth none on loopback). */
  readonly token?: string;
}

/**
 * Writes a one-cluster, one-user kubeconfig, with token auth when given a token. JSON is valid YAML, so kubectl
 * and @kubernetes/client-node read it as any kubeconfig. Mode 0600: it holds a credential.
 */
export function writeKubeconfig(path: string, content: KubeconfigContent): string {
  const name = "krm-test";
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: {
          server: content.server,
          ...(content.caPem !== undefined
            ? { "certificate-authority-data": Buffer.from(content.caPem).toString("base64") }
            : {}),
        },
      },
    ],
    users: [{ name: "admin", user: content.token !== undefined ? { token: content.token } : {} }],
    contexts: [{ name, context: { cluster: name, user: "admin" } }],
    "current-context": name,
  };
  writeFileSync(path, `${JSON.stringify(kubeconfig, null, 2)}\n`, { mode: 0o600 });
  return path;
}
