import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../local/free-port.js";
import { waitUntil } from "../../local/wait-until.js";
import { binDir } from "../../local/cluster/build.js";
import { alive, childPids, KRM } from "./krm-run-process.js";

const STARTUP_DEADLINE_MS = 240_000;

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
        {
          // An empty HOME, so no ~/.kube/config can turn off the local default; the binaries
          // built by setup stay where they are.
          env: {
            PATH: process.env["PATH"] ?? "",
            HOME: dir,
            KRM_CLUSTER_DIR: join(dir, "cluster"),
            KRM_CACHE_DIR: dirname(binDir()),
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
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
});
