/**
 * A kubeconfig's cluster and user applied to requests by krm itself: CA, client certificate,
 * TLS checks, bearer token (inline or from a file), basic auth and impersonation, the same
 * options `@kubernetes/client-node`'s KubeConfig sets (its tests compare the two). Plugins
 * (`exec`, `auth-provider`) and proxies are left to client-node (client-node-access.ts).
 * Unlike client-node's agent, this one keeps connections alive between requests.
 */
import { readFileSync } from "node:fs";
import * as https from "node:https";
import type { KubeAccess } from "../../core/kube-access.js";
import type { ClusterEntry, UserEntry } from "./kubeconfig-entries.js";
import { TokenFile } from "./token-file.js";

/**
 * How long a connection to the API server may sit unused in the pool before krm closes it:
 * well below the API server's own idle timeout (kube-apiserver's http.Server IdleTimeout is
 * 90 s), so krm, not the server, usually ends an idle connection.
 */
export const IDLE_SOCKET_TIMEOUT_MS = 30_000;

export class DirectAccess implements KubeAccess {
  private readonly tls: https.AgentOptions;
  private readonly tokenFile: TokenFile | undefined;
  private agent: https.Agent | undefined;

  constructor(
    private readonly cluster: ClusterEntry,
    private readonly user: UserEntry,
    private readonly idleSocketTimeoutMs = IDLE_SOCKET_TIMEOUT_MS,
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
    // One agent, as client-node keeps one per cluster and user, but with keep-alive: a
    // TokenReview, SubjectAccessReview or relist page reuses a connection (and its TLS
    // session) instead of a new handshake each. `timeout` is what closes an idle pooled
    // socket: it is each socket's inactivity timeout (socket.setTimeout), and on it the agent
    // destroys the socket only if the socket is in its free list (Node's lib/_http_agent.js,
    // installListeners' onTimeout; docs: http.Agent `timeout`, agent.keepSocketAlive). A socket
    // carrying a request is not free: a watch or a LIST quiet for longer only gets a 'timeout'
    // event on its request and response, which krm does not listen to, so it is not cut.
    // (`keepAliveMsecs` is only TCP keep-alive's initial delay; it closes nothing.) A server's
    // `Keep-Alive: timeout=N` hint, when sent, shortens the idle time further (Node's agent).
    // A review on a pooled socket the server closed at that moment is retried once
    // (api/auth/review-client.ts).
    this.agent ??= new https.Agent({ ...this.tls, keepAlive: true, timeout: this.idleSocketTimeoutMs });
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
