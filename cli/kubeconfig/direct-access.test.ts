import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as https from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { kubeGetJson, openKubeGet, responseLines } from "../../core/kube-http.js";
import { selfSignedCertificate } from "../../core/testing/self-signed-certificate.js";
import { requireKubeConfig } from "../load-kubeconfig.js";
import { DirectAccess, IDLE_SOCKET_TIMEOUT_MS } from "./direct-access.js";

const folder = mkdtempSync(join(tmpdir(), "krm-kubeconfig-"));
writeFileSync(join(folder, "ca.crt"), "ca from file");
writeFileSync(join(folder, "client.crt"), "cert from file");
writeFileSync(join(folder, "client.key"), "key from file");
const base64 = (text: string): string => Buffer.from(text).toString("base64");

/** A kubeconfig whose current context uses `cluster` and `user` (YAML mapping lines). */
function kubeconfig(name: string, cluster: string[], user: string[]): string {
  const path = join(folder, `${name}.yaml`);
  const indent = (lines: string[]): string => lines.map((line) => `      ${line}`).join("\n");
  writeFileSync(
    path,
    [
      "apiVersion: v1",
      "kind: Config",
      "current-context: here",
      "contexts:",
      "  - name: here",
      "    context: { cluster: c, user: u }",
      "clusters:",
      "  - name: c",
      "    cluster:",
      indent(cluster),
      "users:",
      "  - name: u",
      "    user:",
      user.length === 0 ? "      {}" : indent(user),
      "",
    ].join("\n"),
  );
  return path;
}

/**
 * The request options a kubeconfig gives, minus the agent: krm's is its own (one per access,
 * with keep-alive, which client-node's lacks) and is checked below; the TLS options it is
 * built from are the ones compared here.
 */
async function optionsOf(
  apply: (options: https.RequestOptions) => Promise<void>,
): Promise<Record<string, unknown>> {
  const options: https.RequestOptions = { headers: { Accept: "application/json" } };
  await apply(options);
  const { agent: _agent, ...rest } = options;
  return Object.fromEntries(
    Object.entries(rest).filter(([, value]) => value !== undefined && value !== null),
  );
}

const VARIANTS: Record<string, [string[], string[]]> = {
  "token, CA data": [
    ["server: https://127.0.0.1:6443/", `certificate-authority-data: ${base64("ca inline")}`],
    ["token: abc.def"],
  ],
  "client certificate files relative to the kubeconfig, CA file": [
    ["server: https://127.0.0.1:6443", "certificate-authority: ca.crt"],
    ["client-certificate: client.crt", "client-key: client.key"],
  ],
  "client certificate data": [
    ["server: https://127.0.0.1:6443", `certificate-authority-data: ${base64("ca inline")}`],
    [`client-certificate-data: ${base64("cert inline")}`, `client-key-data: ${base64("key inline")}`],
  ],
  "insecure, TLS server name, impersonation": [
    ["server: https://127.0.0.1:6443", "insecure-skip-tls-verify: true", "tls-server-name: kubernetes"],
    ["token: t", "as: someone"],
  ],
  "basic auth": [["server: https://127.0.0.1:6443"], ["username: admin", "password: secret"]],
  "no credentials": [["server: https://127.0.0.1:6443"], []],
};

describe("krm's kubeconfig reader", () => {
  for (const [name, [cluster, user]] of Object.entries(VARIANTS)) {
    it(`sets the same request options as client-node: ${name}`, async () => {
      const path = kubeconfig(name.replace(/\W+/g, "-"), cluster, user);
      const clientNode = new KubeConfig();
      clientNode.loadFromFile(path);
      const loaded = requireKubeConfig(path, {});
      expect(loaded.kubeConfig).toBeInstanceOf(DirectAccess);
      expect(loaded.server).toBe(clientNode.getCurrentCluster()?.server);
      const ours = await optionsOf((options) => loaded.kubeConfig.applyToHTTPSOptions(options));
      const theirs = await optionsOf((options) => clientNode.applyToHTTPSOptions(options));
      expect(ours).toEqual(theirs);
      expect(Object.keys(ours).length).toBeGreaterThan(0);
    });
  }

  it("keeps one agent, carrying the TLS material, across requests", async () => {
    const path = kubeconfig("agent", ["server: https://127.0.0.1:6443", "certificate-authority: ca.crt"], []);
    const access = requireKubeConfig(path, {}).kubeConfig;
    const first: https.RequestOptions = {};
    const second: https.RequestOptions = {};
    await access.applyToHTTPSOptions(first);
    await access.applyToHTTPSOptions(second);
    expect(first.agent).toBe(second.agent);
    const agent = first.agent as https.Agent;
    expect(agent.options.ca).toEqual(Buffer.from("ca from file"));
    expect(agent.options.keepAlive).toBe(true);
    expect(agent.options.timeout).toBe(IDLE_SOCKET_TIMEOUT_MS);
  });

  it("keeps a connection for the next request, closes it when idle, and never cuts a quiet watch", async () => {
    const certificate = selfSignedCertificate();
    const closed: number[] = [];
    let connections = 0;
    const server = https.createServer(certificate, (request, response) => {
      response.setHeader("Content-Type", "application/json");
      if (request.url?.startsWith("/watch") !== true) {
        response.end("{}");
        return;
      }
      // A watch that says nothing for longer than the idle timeout, then goes on.
      response.write('{"type":"ADDED"}\n');
      setTimeout(() => response.end('{"type":"MODIFIED"}\n'), 800);
    });
    server.on("secureConnection", (socket) => {
      connections += 1;
      const started = Date.now();
      socket.on("close", () => closed.push(Date.now() - started));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const idleMs = 200;
      const access = new DirectAccess(
        {
          server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          caData: Buffer.from(certificate.cert).toString("base64"),
          skipTLSVerify: false,
        },
        { plugin: false },
        idleMs,
      );
      await kubeGetJson(access, { path: "/api" });
      await kubeGetJson(access, { path: "/api" });
      expect(connections).toBe(1);
      // Idle in the pool for longer than the timeout: krm closes it.
      await sleep(idleMs * 3);
      expect(closed).toHaveLength(1);
      const lines: string[] = [];
      for await (const line of responseLines(await openKubeGet(access, { path: "/watch" }))) lines.push(line);
      expect(lines).toEqual(['{"type":"ADDED"}', '{"type":"MODIFIED"}']);
      expect(connections).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("reads a token file (kubectl's tokenFile) and trims it", async () => {
    writeFileSync(join(folder, "token"), "from-file\n");
    const path = kubeconfig("token-file", ["server: https://127.0.0.1:6443"], ["tokenFile: token"]);
    const options: https.RequestOptions = {};
    await requireKubeConfig(path, {}).kubeConfig.applyToHTTPSOptions(options);
    expect(options.headers).toEqual({ Authorization: "Bearer from-file" });
  });
});
