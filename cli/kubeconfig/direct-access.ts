/**
 * A kubeconfig's cluster and user applied to requests by krm itself: CA, client certificate,
 * TLS checks, bearer token (inline or from a file), basic auth and impersonation, the same
 * options `@kubernetes/client-node`'s KubeConfig sets (its tests compare the two). Plugins
 * (`exec`, `auth-provider`) and proxies are left to client-node (client-node-access.ts).
 */
import { readFileSync } from "node:fs";
import * as https from "node:https";
import type { KubeAccess } from "../../core/kube-access.js";
import type { ClusterEntry, UserEntry } from "./kubeconfig-entries.js";
import { TokenFile } from "./token-file.js";

export class DirectAccess implements KubeAccess {
  private readonly tls: https.AgentOptions;
  private readonly tokenFile: TokenFile | undefined;
  private agent: https.Agent | undefined;

  constructor(
    private readonly cluster: ClusterEntry,
    private readonly user: UserEntry,
  ) {
    this.tls = tlsOptions(cluster, user);
    this.tokenFile =
      user.token === undefined && user.tokenFile !== undefined ? new TokenFile(user.tokenFile) : undefined;
  }

  getCurrentCluster(): ClusterEntry {
    return this.cluster;
  }

  applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
    Object.assign(options, this.tls);
    const headers: Record<string, string> = {};
    if (this.user.impersonate !== undefined) headers["Impersonate-User"] = this.user.impersonate;
    const token = this.user.token ?? this.tokenFile?.current();
    if (token !== undefined) headers["Authorization"] = `Bearer ${token}`;
    options.headers = { ...(options.headers as Record<string, string> | undefined), ...headers };
    if (this.user.username !== undefined) options.auth = `${this.user.username}:${this.user.password ?? ""}`;
    // One agent, as client-node keeps one per cluster and user: connections are reused.
    this.agent ??= new https.Agent(this.tls);
    options.agent = this.agent;
    return Promise.resolve();
  }
}

function tlsOptions(cluster: ClusterEntry, user: UserEntry): https.AgentOptions {
  const ca = fileOrData(cluster.caFile, cluster.caData);
  const cert = fileOrData(user.certFile, user.certData);
  const key = fileOrData(user.keyFile, user.keyData);
  return {
    ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
    ...(cluster.tlsServerName === undefined ? {} : { servername: cluster.tlsServerName }),
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
}

/** A file wins over inline base64 data, as in kubectl. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file !== undefined && file !== "") return readFileSync(file);
  if (data !== undefined && data !== "") return Buffer.from(data, "base64");
  return undefined;
}
