/**
 * What krm's own HTTP code needs of a kubeconfig: the current cluster's server URL, and the
 * TLS material, credentials and agent of a request to it. `@kubernetes/client-node`'s
 * `KubeConfig` has this shape; so has krm's own reader (cli/kubeconfig/), which serves the
 * common kubeconfigs without loading client-node (docs/architecture.md, "Memory").
 */
import * as http from "node:http";
import * as https from "node:https";

export interface KubeAccess {
  /** The current context's cluster, or null when the kubeconfig names none. */
  getCurrentCluster(): { readonly server: string } | null;
  /** Sets CA, client certificate, TLS checks, an agent and the Authorization header on `options`. */
  applyToHTTPSOptions(options: https.RequestOptions): Promise<void>;
}

/** A request to the API server at `path`: its URL, its options, and the module that sends it. */
export interface KubeRequestTarget {
  readonly url: URL;
  readonly options: https.RequestOptions;
  readonly transport: { readonly request: typeof http.request; readonly get: typeof http.get };
}

/**
 * The URL and options of a request to `path` on the current cluster, with `headers` and the
 * kubeconfig's credentials applied. A plain-http server (kubectl proxy) gets no TLS agent.
 */
export async function kubeRequestTarget(
  access: KubeAccess,
  path: string,
  request: Pick<https.RequestOptions, "method" | "headers">,
): Promise<KubeRequestTarget> {
  const cluster = access.getCurrentCluster();
  if (cluster === null) throw new Error("kubeconfig has no current cluster");
  const url = new URL(cluster.server.replace(/\/+$/, "") + path);
  const options: https.RequestOptions = { ...request, headers: { ...request.headers } };
  await access.applyToHTTPSOptions(options);
  if (url.protocol !== "http:") return { url, options, transport: https };
  delete options.agent;
  return { url, options, transport: http };
}
