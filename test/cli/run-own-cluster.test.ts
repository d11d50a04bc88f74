import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import { kubectlOk } from "../deploy/kubectl.js";
import { freePort } from "../../local/free-port.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import { alive, childPids, privateRedisPid, startKrmRun as startKrm } from "./krm-run-process.js";

/**
 * The README's "cache your own cluster" command, run as a new user would: a kubeconfig and
 * nothing else (no Redis running, an empty home), on the shared test control plane. And the
 * same command with kubeconfigs that cannot work, which must say why in one line.
 */
const MAIN = resolve(import.meta.dirname, "../../dist/cli/main.js");
/** Node start, a private redis-server and six first lists, on a loaded two-core machine. */
const READY_DEADLINE_MS = 120_000;

function krmCli(args: readonly string[], env: NodeJS.ProcessEnv): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: "utf8", timeout: 60_000, env });
}

describe("krm run --kubeconfig <your cluster> (README: cache your own cluster)", () => {
  const cluster = sharedCluster();
  const dir = mkdtempSync(join(tmpdir(), "krm-own-cluster-"));
  const namespace = `own-cluster-${Date.now()}`;
  const core = cluster.kubeConfig().makeApiClient(CoreV1Api);

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    // More pods than one --page-size 2 page, so the first list shows progress with a total.
    for (const name of ["web", "web-1", "web-2", "web-3", "web-4"]) {
      await core.createNamespacedPod({
        namespace,
        body: { metadata: { name }, spec: { containers: [{ name: "web", image: "nginx" }] } },
      });
    }
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "starts its own Redis, shows progress, says ready, serves kubectl and krm status, and Ctrl-C stops it all",
    { timeout: 300_000 },
    async () => {
      const home = join(dir, "home");
      const port = await freePort();
      const krm = startKrm(
        ["--kubeconfig", cluster.kubeconfigPath, "--port", String(port), "--page-size", "2"],
        home,
      );
      const base = `http://127.0.0.1:${port}`;
      try {
        await waitUntil(() => (krm.output().stderr.includes("krm is ready") ? true : undefined), {
          what: "the ready banner",
          timeoutMs: READY_DEADLINE_MS,
          abortReason: () =>
            krm.child.exitCode === null ? undefined : `krm exited with ${krm.child.exitCode}`,
          describeFailure: () => JSON.stringify(krm.output()).slice(-3000),
        });
        const { stdout, stderr } = krm.output();
        // "starting" first, one progress line per kind, then "ready" with the URLs.
        expect(stderr.indexOf("krm is starting")).toBeGreaterThanOrEqual(0);
        expect(stderr.indexOf("krm is starting")).toBeLessThan(stderr.indexOf("krm is ready"));
        for (const kind of ["pods", "deployments.apps", "nodes"]) {
          expect(stderr).toMatch(new RegExp(`  ${kind.replace(".", "\\.")}: \\d+ objects? listed in`));
        }
        expect(stderr).toMatch(/\n {2}pods: \d+ listed of \d+…\n/);
        expect(stderr).toContain(`krm is serving on ${base}`);
        // Not a terminal: JSON log lines, and no ioredis noise anywhere.
        for (const line of stdout.split("\n").filter((l) => l !== ""))
          expect(() => JSON.parse(line) as unknown).not.toThrow();
        expect(stdout + stderr).not.toContain("Unhandled error event");
        expect((await fetch(`${base}/readyz`)).status).toBe(200);

        const kubeconfig = join(dir, "krm.kubeconfig");
        writeKubeconfig(kubeconfig, { server: base });
        const pods = await kubectlOk(["--kubeconfig", kubeconfig, "get", "pods", "-n", namespace]);
        expect(pods).toMatch(/^NAME\s+READY\s+STATUS/);
        expect(pods).toMatch(/\nweb\s+0\/1\s+Pending/);

        const env = { PATH: process.env["PATH"] ?? "", HOME: home };
        const table = krmCli(["status", "--server", base], env);
        expect(table.status).toBe(0);
        const lines = String(table.stdout).trimEnd().split("\n");
        expect(lines[0]).toMatch(/^KIND\s+OBJECTS\s+WATCH\s+LAST EVENT\s+VERIFIED\s+STALE$/);
        expect(lines.find((l) => l.startsWith("pods "))).toMatch(
          /^pods\s+\d+\s+connected\s+\S+.*\s+ago\s+false$/,
        );
        // A header, then one row per kind `krm run` caches by default (capacity on: every built-in kind).
        expect(lines).toHaveLength(1 + BUILTIN_KINDS.length);
        const json = krmCli(["status", "--server", base, "-o", "json"], env);
        const body = JSON.parse(String(json.stdout)) as { ready: boolean; kinds: { kind: string }[] };
        expect(body.ready).toBe(true);
        expect(body.kinds.map((k) => k.kind)).toContain("nodes");

        // The private Redis keeps its data under the user's state folder, one per cluster.
        const redisDirs = readdirSync(join(home, ".local", "state", "krm", "redis"));
        expect(redisDirs).toHaveLength(1);
        const dataDir = join(home, ".local", "state", "krm", "redis", redisDirs[0] ?? "");
        expect(existsSync(join(dataDir, "appendonlydir"))).toBe(true);
        expect(readFileSync(join(dataDir, "krm.lock"), "utf8")).toBe(String(krm.child.pid));

        const started = childPids(krm.child.pid ?? 0);
        expect(started.length).toBeGreaterThanOrEqual(1); // redis-server
        krm.child.kill("SIGINT");
        expect(await krm.exited).toBe(0);
        await waitUntil(() => (started.every((pid) => !alive(pid)) ? true : undefined), {
          what: "the private redis-server to end",
          timeoutMs: 30_000,
        });
        expect(existsSync(join(dataDir, "krm.lock"))).toBe(false);
      } finally {
        if (krm.child.exitCode === null) krm.child.kill("SIGKILL");
      }
    },
  );

  /** Runs krm with `kubeconfig` until `line` shows on stdout, and returns every stdout line. */
  async function saysWhy(kubeconfig: string, line: RegExp, repeats = 1): Promise<string[]> {
    const krm = startKrm(
      ["--kubeconfig", kubeconfig, "--port", String(await freePort()), "--log-format", "pretty"],
      join(dir, `home-${Date.now()}`),
    );
    try {
      await waitUntil(
        () =>
          krm
            .output()
            .stdout.split("\n")
            .filter((l) => line.test(l)).length >= repeats
            ? true
            : undefined,
        {
          what: `${String(line)} ${repeats} times`,
          timeoutMs: READY_DEADLINE_MS,
          abortReason: () =>
            krm.child.exitCode === null ? undefined : `krm exited with ${krm.child.exitCode}`,
          describeFailure: () => JSON.stringify(krm.output()).slice(-3000),
        },
      );
      return krm.output().stdout.split("\n");
    } finally {
      krm.child.kill("SIGINT");
      await krm.exited;
    }
  }

  it(
    "says in one readable line, repeated with backoff, that the cluster refuses connections",
    { timeout: 200_000 },
    async () => {
      const closed = await freePort();
      const kubeconfig = writeKubeconfig(join(dir, "refused.kubeconfig"), {
        server: `https://127.0.0.1:${closed}`,
        caPem: readFileSync(cluster.caPath, "utf8"),
        token: cluster.adminToken,
      });
      const cause = new RegExp(
        `WARN: cannot reach the cluster at https://127.0.0.1:${closed}: connection refused`,
      );
      // Every default kind, a streamer and a verifier each, retry every second or so: still one
      // line, then the second one (5 s later) naming every kind.
      const lines = await saysWhy(kubeconfig, cause, 2);
      expect(lines.filter((l) => /connection refused|ECONNREFUSED/.test(l))).toHaveLength(2);
      const everyKind = `[${BUILTIN_KINDS.map((kind) => kind.id)
        .sort()
        .join(", ")}]`;
      expect(lines.find((l) => cause.test(l) && l.includes(everyKind))).toBeDefined();
    },
  );

  it("says that the cluster refused the credentials (401)", { timeout: 200_000 }, async () => {
    const kubeconfig = writeKubeconfig(join(dir, "wrong-token.kubeconfig"), {
      server: cluster.clusterUrl,
      caPem: readFileSync(cluster.caPath, "utf8"),
      token: "not-a-valid-token",
    });
    const lines = await saysWhy(kubeconfig, /refused the credentials \(401 Unauthorized\)/);
    expect(lines.filter((l) => /\(401 Unauthorized\)/.test(l))).toHaveLength(1);
  });

  it("names the missing permission (403)", { timeout: 200_000 }, async () => {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: "nobody" } } });
    const token = (
      await kubectlOk(["--kubeconfig", cluster.kubeconfigPath, "create", "token", "nobody", "-n", namespace])
    ).trim();
    const kubeconfig = writeKubeconfig(join(dir, "forbidden.kubeconfig"), {
      server: cluster.clusterUrl,
      caPem: readFileSync(cluster.caPath, "utf8"),
      token,
    });
    const lines = await saysWhy(
      kubeconfig,
      /permission denied \(403 Forbidden\) for pods: .*cannot list resource "pods"/,
    );
    expect(lines.filter((l) => /403 Forbidden\) for pods:/.test(l))).toHaveLength(1);
  });

  it("without redis-server installed says how to get it, and exits 2", () => {
    const result = krmCli(["run", "--kubeconfig", cluster.kubeconfigPath], { PATH: "", HOME: dir });
    expect(result.status).toBe(2);
    expect(String(result.stderr).trim().split("\n")).toEqual([
      "krm: redis-server is not installed: install it (apt-get install redis-server, dnf install redis, brew install redis) or pass --redis-url redis://HOST:6379",
    ]);
  });

  it("with a --redis-url that does not answer fails within seconds in one line", async () => {
    const closed = await freePort();
    const started = Date.now();
    const result = krmCli(
      ["run", "--kubeconfig", cluster.kubeconfigPath, "--redis-url", `redis://127.0.0.1:${closed}`],
      { PATH: process.env["PATH"] ?? "", HOME: dir },
    );
    expect(result.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(String(result.stderr).trim().split("\n")).toEqual([
      `krm: cannot reach Redis at redis://127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed} (fix --redis-url, leave it unset to let krm start its own redis-server, or pass --wait-for-redis)`,
    ]);
    expect(String(result.stdout)).not.toContain("Unhandled error event");
  });

  it(
    "with --wait-for-redis keeps waiting for that Redis, saying so without ioredis noise",
    { timeout: 200_000 },
    async () => {
      const closed = await freePort();
      const krm = startKrm(
        [
          "--kubeconfig",
          cluster.kubeconfigPath,
          "--port",
          String(await freePort()),
          "--redis-url",
          `redis://127.0.0.1:${closed}`,
          "--wait-for-redis",
        ],
        join(dir, "home-wait"),
      );
      try {
        await waitUntil(
          () => (krm.output().stdout.includes('"msg":"redis unreachable"') ? true : undefined),
          {
            what: "the redis unreachable report",
            timeoutMs: READY_DEADLINE_MS,
            abortReason: () =>
              krm.child.exitCode === null ? undefined : `krm exited with ${krm.child.exitCode}`,
            describeFailure: () => JSON.stringify(krm.output()).slice(-3000),
          },
        );
        krm.child.kill("SIGINT");
        await krm.exited;
        const { stdout, stderr } = krm.output();
        expect(stdout + stderr).not.toContain("Unhandled error event");
      } finally {
        if (krm.child.exitCode === null) krm.child.kill("SIGKILL");
      }
    },
  );

  it(
    "stops the redis-server a SIGKILLed krm left on its data folder before starting another",
    { timeout: 200_000 },
    async () => {
      const home = join(dir, "home-orphan");
      const args = ["--kubeconfig", cluster.kubeconfigPath, "--port", String(await freePort())];
      const first = startKrm(args, home);
      const orphan = await waitUntil(() => privateRedisPid(home), {
        what: "the private redis-server's pid file",
        timeoutMs: READY_DEADLINE_MS,
      });
      first.child.kill("SIGKILL");
      await first.exited;
      expect(alive(orphan)).toBe(true);
      const second = startKrm(args, home);
      let own = 0;
      try {
        await waitUntil(
          () =>
            second.output().stdout.includes("stopping the redis-server a killed krm left") ? true : undefined,
          {
            what: "the second krm to stop the orphan",
            timeoutMs: READY_DEADLINE_MS,
            describeFailure: () => JSON.stringify(second.output()).slice(-3000),
          },
        );
        await waitUntil(() => (alive(orphan) ? undefined : true), {
          what: "the orphan to end",
          timeoutMs: 30_000,
        });
        own = await waitUntil(
          () => {
            const pid = privateRedisPid(home);
            return pid !== undefined && pid !== orphan ? pid : undefined;
          },
          { what: "the second krm's own redis-server", timeoutMs: READY_DEADLINE_MS },
        );
        // Most likely still starting: a signal then stops what krm has started, its redis-server too.
        second.child.kill("SIGINT");
        expect(await second.exited).toBe(0);
        await waitUntil(() => (alive(own) ? undefined : true), {
          what: "the second krm's own redis-server to end",
          timeoutMs: 30_000,
        });
      } finally {
        if (second.child.exitCode === null) second.child.kill("SIGKILL");
        if (alive(orphan)) process.kill(orphan, "SIGKILL");
        // Only after a failed assertion above: the test has failed already, do not leak too.
        if (own > 0 && alive(own)) process.kill(own, "SIGKILL");
      }
    },
  );
});
