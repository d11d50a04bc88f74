import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiConfigError, startApiServer } from "../../api/index.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { createLogger } from "../../core/logger.js";
import { selfSignedCertificate } from "../../core/testing/self-signed-certificate.js";
import { runKubectl } from "../deploy/kubectl.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { httpGet } from "./helpers/http-get.js";
import { startKrmStack, type KrmStack } from "./helpers/krm-stack.js";

/**
 * The API's transport: HTTPS from certificate files that are re-read when rotated (kubectl
 * with --certificate-authority reads through it), plain HTTP refused off loopback, and with
 * auth=none a Host check against DNS rebinding.
 */
describe("API transport security", () => {
  const cluster = sharedCluster();
  const admin = cluster.kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const namespace = `krm-tls-${randomBytes(3).toString("hex")}`;
  const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
  const dir = mkdtempSync(join(tmpdir(), "krm-tls-"));
  const served = { certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key") };
  let stack: KrmStack;

  /** A self-signed certificate for 127.0.0.1 (its own CA), written to files named after `name`. */
  const selfSigned = (name: string): { cert: string; key: string } => {
    const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
    const pem = selfSignedCertificate(name);
    writeFileSync(pair.cert, pem.cert);
    writeFileSync(pair.key, pem.key);
    return pair;
  };
  const install = (pair: { cert: string; key: string }): void => {
    copyFileSync(pair.key, served.keyFile);
    copyFileSync(pair.cert, served.certFile);
  };
  /** `kubectl get pods` against krm, trusting only `caFile`. */
  const kubectlGet = (caFile: string) => {
    const kubeconfig = writeKubeconfig(join(dir, `kubeconfig-${randomBytes(3).toString("hex")}`), {
      server: stack.api.url,
      caPem: readFileSync(caFile, "utf8"),
      token: "unused-with-auth-none",
    });
    return runKubectl(["--kubeconfig", kubeconfig, "get", "pods", "-n", namespace, "-o", "name"]);
  };

  const first = selfSigned("krm-first");
  const second = selfSigned("krm-second");

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "p" },
        spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
      },
    });
    install(first);
    stack = await startKrmStack({
      kinds: [pods],
      kubeConfig: admin,
      api: { tls: served, tlsReloadIntervalMs: 200 },
    });
    await waitUntil(
      async () => ((await kubectlGet(first.cert)).stdout.includes("pod/p") ? true : undefined),
      { what: "pod p through krm", timeoutMs: 30_000 },
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves kubectl over HTTPS and picks up a rotated certificate without a restart", async () => {
    expect(stack.api.url).toMatch(/^https:\/\//);
    const before = await kubectlGet(first.cert);
    expect(before.status).toBe(0);
    expect(before.stdout.trim()).toBe("pod/p");
    const untrusted = await kubectlGet(second.cert);
    expect(untrusted.status).not.toBe(0);
    expect(untrusted.stderr).toMatch(/certificate|x509/);

    install(second);
    const after = await waitUntil(
      async () => {
        const result = await kubectlGet(second.cert);
        return result.status === 0 ? result : undefined;
      },
      { what: "the rotated certificate served", timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(after.stdout.trim()).toBe("pod/p");
    expect((await kubectlGet(first.cert)).status).not.toBe(0);
  });

  it("refuses plain HTTP on a non-loopback address unless forced", async () => {
    await expect(
      startApiServer({
        kinds: [pods],
        redisUrl: stack.redis.url,
        logger: createLogger("krm-test", "silent"),
        host: "0.0.0.0",
        port: 0,
        auth: { mode: "kubernetes" },
        kubeConfig: admin,
        dashboard: false,
      }),
    ).rejects.toThrow(ApiConfigError);
  });

  it("answers 403 to a Host that is not loopback under auth=none (DNS rebinding)", async () => {
    // Either certificate may be served, depending on whether the rotation test ran.
    const ca = Buffer.concat([readFileSync(first.cert), readFileSync(second.cert)]);
    const url = `${stack.api.url}/api/v1/namespaces/${namespace}/pods`;
    const port = new URL(stack.api.url).port;
    // The browser's TLS name would be the attacker's too; here only Host matters.
    const tls = { ca, servername: "localhost" };
    const rebound = await httpGet(url, { ...tls, headers: { Host: `attacker.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ kind: "Status", code: 403, reason: "Forbidden" });
    expect(rebound.body).not.toContain('"name":"p"');
    expect(
      (await httpGet(`${stack.api.url}/status`, { ...tls, headers: { Host: "attacker.example" } })).status,
    ).toBe(403);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await httpGet(url, { ...tls, headers: { Host: host } })).status).toBe(200);
    }
  });
});
