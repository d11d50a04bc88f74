import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as https from "node:https";
import { describe, expect, it } from "vitest";
import { ClientNodeAccess } from "./kubeconfig/client-node-access.js";
import { inClusterAccess } from "./kubeconfig/in-cluster.js";
import { TokenFile } from "./kubeconfig/token-file.js";
import { loadKubeConfig, requireKubeConfig } from "./load-kubeconfig.js";
import { UsageError } from "./usage-error.js";

const folder = mkdtempSync(join(tmpdir(), "krm-load-kubeconfig-"));
const file = (name: string, text: string): string => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};
const CONTEXT = "current-context: here\ncontexts: [{ name: here, context: { cluster: c, user: u } }]\n";
const CLUSTER = "clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:6443' } }]\n";

describe("loadKubeConfig", () => {
  it("names the file and the problem of a kubeconfig that is not valid", () => {
    const cases: [string, RegExp][] = [
      ["key: [unclosed", /is not valid: .+/],
      ["- a list", /expected a mapping/],
      [`${CONTEXT}clusters: []\nusers: [{ name: u }]`, /clusters has no entry named "c"/],
      [
        `${CONTEXT}clusters: [{ name: c, cluster: { certificate-authority: x } }]\nusers: [{ name: u }]`,
        /cluster "c" has no server/,
      ],
      [`${CONTEXT}${CLUSTER}users: [{ name: u, user: { token: 42 } }]`, /user "u": token is not a string/],
      [
        `${CONTEXT}clusters: [{ name: c, cluster: { server: 'https://x', certificate-authority: missing.crt } }]\nusers: [{ name: u }]`,
        /missing\.crt/,
      ],
    ];
    for (const [index, [text, message]] of cases.entries()) {
      const path = file(`bad-${index}.yaml`, text);
      expect(() => loadKubeConfig(path, {})).toThrow(UsageError);
      expect(() => loadKubeConfig(path, {})).toThrow(message);
      expect(() => loadKubeConfig(path, {})).toThrow(path);
    }
  });

  it("refuses a missing file and a kubeconfig without a current cluster", () => {
    expect(() => loadKubeConfig(join(folder, "nope"), {})).toThrow(/no such file/);
    const empty = file("empty-context.yaml", "clusters: []\n");
    expect(() => requireKubeConfig(empty, {})).toThrow(/has no current cluster/);
  });

  it("leaves exec credentials to client-node, which runs the plugin", async () => {
    const plugin = file(
      "plugin.mjs",
      `process.stdout.write(JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "from-plugin" } }));`,
    );
    const path = file(
      "exec.yaml",
      `${CONTEXT}${CLUSTER}users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: ${process.execPath}, args: [${plugin}], interactiveMode: Never } } }]\n`,
    );
    const loaded = requireKubeConfig(path, {});
    expect(loaded.kubeConfig).toBeInstanceOf(ClientNodeAccess);
    expect(loaded.server).toBe("https://127.0.0.1:6443");
    const options: https.RequestOptions = {};
    await loaded.kubeConfig.applyToHTTPSOptions(options);
    expect(options.headers).toMatchObject({ Authorization: "Bearer from-plugin" });
  });

  it("reads a pod's service account in the cluster, and its rotated token after the refresh time", async () => {
    const dir = mkdtempSync(join(folder, "sa-"));
    writeFileSync(join(dir, "ca.crt"), "cluster ca");
    writeFileSync(join(dir, "token"), "first");
    const access = inClusterAccess(
      { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" },
      dir,
    );
    expect(access.getCurrentCluster().server).toBe("https://[fd00::1]:443");
    const options: https.RequestOptions = {};
    await access.applyToHTTPSOptions(options);
    expect(options.headers).toEqual({ Authorization: "Bearer first" });
    expect(options.ca).toEqual(Buffer.from("cluster ca"));

    let now = 0;
    const token = new TokenFile(join(dir, "token"), 60_000, () => now);
    expect(token.current()).toBe("first");
    writeFileSync(join(dir, "token"), "second");
    now = 59_999;
    expect(token.current()).toBe("first");
    now = 60_000;
    expect(token.current()).toBe("second");
  });
});
