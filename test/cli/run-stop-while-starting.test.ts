import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../cli/run/dir-lock.js";
import { krmStateDir, redisDataDir } from "../../cli/run/state-dir.js";
import { writeKubeconfig } from "../../local/cluster/kubeconfig-file.js";
import { freePort } from "../../local/free-port.js";
import { waitUntil } from "../../local/wait-until.js";
import { alive, privateRedisPid, startKrmRun } from "./krm-run-process.js";

/** Node start and a private redis-server, on a loaded two-core machine. */
const REDIS_STARTED_DEADLINE_MS = 60_000;
/** redis-server flushes its append-only file and exits within a second or two of SIGTERM. */
const REDIS_GONE_DEADLINE_MS = 30_000;

/** The error code of `kill(pid, 0)`: "ESRCH" once no such process exists, undefined while it runs. */
function signalZeroError(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code;
  }
}

/**
 * Ctrl-C (or a pod's SIGTERM) while `krm run` is still starting: everything krm had started
 * by then is stopped before it exits. The cluster here accepts connections and never answers,
 * so startup stays in its first requests (the banner's object counts wait up to 5 s) after the
 * private redis-server is up: the signal lands there, before `krm run` has returned its parts.
 */
describe("krm run stopped by a signal while it is starting", () => {
  const dir = mkdtempSync(join(tmpdir(), "krm-stop-while-starting-"));
  const held: Socket[] = [];
  const silentCluster: Server = createServer((socket) => held.push(socket));
  let clusterUrl = "";

  beforeAll(async () => {
    await new Promise<void>((resolve) => silentCluster.listen(0, "127.0.0.1", resolve));
    const address = silentCluster.address();
    if (address === null || typeof address === "string") throw new Error("the silent cluster has no port");
    clusterUrl = `https://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silentCluster.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s after its private redis-server started: stops that redis-server, says so, exits 0",
    async (signal) => {
      const home = join(dir, `home-${signal}`);
      const kubeconfig = writeKubeconfig(join(dir, `${signal}.kubeconfig`), { server: clusterUrl });
      const krm = startKrmRun(["--kubeconfig", kubeconfig, "--port", String(await freePort())], home);
      let redis = 0;
      try {
        redis = await waitUntil(() => privateRedisPid(home), {
          what: "the private redis-server's pid file",
          timeoutMs: REDIS_STARTED_DEADLINE_MS,
          intervalMs: 10,
          abortReason: () =>
            krm.child.exitCode === null ? undefined : `krm exited with ${krm.child.exitCode}`,
          describeFailure: () => JSON.stringify(krm.output()).slice(-3000),
        });
        expect(alive(redis)).toBe(true);
        krm.child.kill(signal);
        expect(await krm.exited).toBe(0);

        const { stdout, stderr } = krm.output();
        // The fault happened: the signal arrived while krm was starting, not after it was ready.
        expect(stdout).toContain('"msg":"shutting down while starting: stopping what has started so far"');
        expect(stderr).not.toContain("krm is ready");
        expect(stdout).toContain('"msg":"stopped before startup finished"');
        await waitUntil(() => (signalZeroError(redis) === "ESRCH" ? true : undefined), {
          what: `the private redis-server (pid ${redis}) to end`,
          timeoutMs: REDIS_GONE_DEADLINE_MS,
        });
        // Released as after any clean stop: the next krm on this folder starts without reaping.
        const dataDir = redisDataDir(krmStateDir({}, home), clusterUrl);
        expect(privateRedisPid(home)).toBeUndefined();
        expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
      } finally {
        if (krm.child.exitCode === null) krm.child.kill("SIGKILL");
        // Only after a failed assertion above: the test has failed already, do not leak too.
        if (redis > 0 && alive(redis)) process.kill(redis, "SIGKILL");
      }
    },
  );
});
