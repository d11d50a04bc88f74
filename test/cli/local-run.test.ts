import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/free-port.js";
import { waitUntil } from "../../local/wait-until.js";
import { binDir } from "../../local/cluster/build.js";
import { alive, childPids, KRM } from "./krm-run-process.js";

const STARTUP_DEADLINE_MS = 240_000;

/**
 * An empty HOME, so no ~/.kube/config can turn off the local default; the binaries built by
 * setup stay where they are.
 */
function localRunEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env["PATH"] ?? "",
    HOME: home,
    KRM_CLUSTER_DIR: join(home, "cluster"),
    KRM_CACHE_DIR: dirname(binDir()),
  };
}

/** The program a process runs (its command line's first word), or undefined once it is gone. */
function programOf(pid: number): string | undefined {
  try {
    return basename(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "");
  } catch {
    return undefined;
  }
}

describe("krm run with no cluster configured (the README's first command)", () => {
  const dir = mkdtempSync(join(tmpdir(), "krm-local-run-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    "starts a local cluster, Redis, every part and a workload, serves it, and Ctrl-C stops all of it",
    { timeout: 400_000 },
    async () => {
      const port = await freePort();
      const child = spawn(
        KRM,
        ["run", "--port", String(port), "--verify-interval", "5s", "--log-level", "warn"],
        { env: localRunEnv(dir), stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      try {
        await waitUntil(
          () => (stderr.includes(`krm is serving on http://127.0.0.1:${port}`) ? true : undefined),
          {
            what: "the where-to-look banner",
            timeoutMs: STARTUP_DEADLINE_MS,
            abortReason: () => (child.exitCode === null ? undefined : `krm exited with ${child.exitCode}`),
            describeFailure: () => stderr.slice(-2000),
          },
        );
        const base = `http://127.0.0.1:${port}`;
        await waitUntil(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), {
          what: "readiness",
          timeoutMs: 60_000,
        });
        // The demo workload writes pods; they show up through krm.
        const pods = await waitUntil(
          async () => {
            const response = await fetch(`${base}/api/v1/namespaces/krm-demo/pods`);
            const body = (await response.json()) as { items?: unknown[] };
            return (body.items?.length ?? 0) >= 3 ? body.items : undefined;
          },
          { what: "demo pods through krm", timeoutMs: 60_000 },
        );
        expect(pods.length).toBeGreaterThanOrEqual(3);
        const nodes = (await (await fetch(`${base}/api/v1/nodes`)).json()) as { items: unknown[] };
        expect(nodes.items.length).toBeGreaterThanOrEqual(3);

        const started = childPids(child.pid ?? 0);
        expect(started.length).toBeGreaterThanOrEqual(3); // etcd, kube-apiserver, redis-server
        child.kill("SIGINT");
        expect(await exited).toBe(0);
        await waitUntil(() => (started.every((pid) => !alive(pid)) ? true : undefined), {
          what: "every process krm started to end",
          timeoutMs: 30_000,
        });
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  );

  it(
    "stopped by SIGINT while its local control plane starts, stops the processes it started and exits 0",
    { timeout: 200_000 },
    async () => {
      const home = join(dir, "stopped-while-starting");
      mkdirSync(home);
      const child = spawn(KRM, ["run", "--port", String(await freePort())], {
        env: localRunEnv(home),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      const seen = new Set<number>();
      const look = (): void => childPids(child.pid ?? 0).forEach((pid) => seen.add(pid));
      try {
        // etcd comes first; kube-apiserver then takes seconds to become ready.
        await waitUntil(
          () => {
            look();
            return [...seen].some((pid) => programOf(pid) === "etcd") ? true : undefined;
          },
          {
            what: "krm to start etcd",
            timeoutMs: STARTUP_DEADLINE_MS,
            intervalMs: 10,
            abortReason: () => (child.exitCode === null ? undefined : `krm exited with ${child.exitCode}`),
            describeFailure: () => (stdout + stderr).slice(-2000),
          },
        );
        child.kill("SIGINT");
        // Processes it starts after the signal count too: look until it has exited.
        await waitUntil(
          () => {
            look();
            return child.exitCode !== null || child.signalCode !== null ? true : undefined;
          },
          { what: "krm to exit", timeoutMs: 60_000, intervalMs: 10 },
        );
        expect(await exited).toBe(0);
        // The fault happened: the signal arrived while krm was starting.
        expect(stdout).toContain('"msg":"shutting down while starting: stopping what has started so far"');
        expect(stdout).toContain('"msg":"stopped before startup finished"');
        expect(stderr).not.toContain("krm is serving on");
        await waitUntil(() => ([...seen].every((pid) => !alive(pid)) ? true : undefined), {
          what: `every process krm started (${[...seen].join(", ")}) to end`,
          timeoutMs: 30_000,
        });
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
        // Only after a failed assertion above: the test has failed already, do not leak too.
        for (const pid of seen) if (alive(pid)) process.kill(pid, "SIGKILL");
      }
    },
  );
});
