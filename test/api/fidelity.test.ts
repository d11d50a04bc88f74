import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet, type HttpResult } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";

/**
 * Requests a new user would try, answered by krm exactly as the API server answers them:
 * the same status code and the same Status reason, side by side against the shared cluster.
 * (A `%2E%2E` namespace is left out: the API server answers it 500; krm answers 404, as it
 * never answers bad input with a 5xx.)
 */
describe("krm answers like the API server", () => {
  const cluster = sharedCluster();
  const ca = readFileSync(cluster.caPath, "utf8");
  let stack: KrmStack;

  /** A raw request to the API server (the path is sent as given, not normalized). */
  const onServer = (rawPath: string): Promise<HttpResult> =>
    httpGet(`${cluster.clusterUrl}${rawPath}`, {
      rawPath,
      ca,
      headers: { authorization: `Bearer ${cluster.adminToken}` },
    });
  const onKrm = (rawPath: string): Promise<HttpResult> => httpGet(`${stack.api.url}${rawPath}`, { rawPath });
  const reasonOf = (result: HttpResult): string | undefined => {
    try {
      return (JSON.parse(result.body) as { reason?: string }).reason;
    } catch {
      return undefined;
    }
  };

  beforeAll(async () => {
    stack = await startKrmStack({ kinds: BUILTIN_KINDS, kubeConfig: cluster.kubeConfig() });
    await waitUntil(async () => ((await onKrm("/readyz")).status === 200 ? true : undefined), {
      what: "krm ready",
      timeoutMs: 60_000,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each([
    ["a limit beyond int64", "/api/v1/pods?limit=99999999999999999999"],
    ["the largest int64 limit", "/api/v1/pods?limit=9223372036854775807"],
    ["a timeoutSeconds beyond int64", "/api/v1/pods?watch=false&timeoutSeconds=99999999999999999999"],
    ["an encoded ../ namespace", "/api/v1/namespaces/..%2F..%2Fetc/pods"],
    ["an encoded slash in a name", "/api/v1/namespaces/default/pods/a%2Fb"],
  ])("%s (%s)", async (_name, path) => {
    const [server, krm] = await Promise.all([onServer(path), onKrm(path)]);
    expect({ status: krm.status, reason: reasonOf(krm) }).toEqual({
      status: server.status,
      reason: reasonOf(server),
    });
  });
});
