import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKrmClient } from "../../client/index.js";
import { freePort } from "../../local/free-port.js";
import type { ManagedProcess } from "../../local/managed-process.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { waitUntil } from "../../local/wait-until.js";
import {
  buildImage,
  IMAGE_BUILD_TIMEOUT_MS,
  imageConfig,
  type BuiltImage,
  type ImageConfig,
} from "./image-build.js";
import { kubectlOk } from "./kubectl.js";
import { createReadOnlyContainer, type ReadOnlyContainer } from "./read-only-container.js";

/**
 * The image users deploy, built by scripts/build-image.sh from the Dockerfile (CI builds it in
 * its setup phase; here it is rebuilt only if the sources changed since), run as Kubernetes
 * runs krm's pods: user from the image, read-only root filesystem, writable /tmp, host network
 * to reach the shared control plane and a Redis on loopback.
 */
const ROOT = resolve(import.meta.dirname, "../..");
const POD_COUNT = 3;
const READY_TIMEOUT_MS = 120_000;

describe("the container image", () => {
  const cluster = sharedCluster();
  const core = cluster.kubeConfig().makeApiClient(CoreV1Api);
  const ns = `krm-image-${randomBytes(3).toString("hex")}`;
  const names = Array.from({ length: POD_COUNT }, (_, i) => `pod-${i}`);
  let dir = "";
  let built: BuiltImage;
  let config: ImageConfig;
  let container: ReadOnlyContainer | undefined;
  let redis: RedisServer | undefined;
  const processes: ManagedProcess[] = [];

  beforeAll(async () => {
    built = await buildImage();
    config = await imageConfig(built);
    // Shown read-only at /mnt, like a Secret volume; readable by the image's user.
    dir = await mkdtemp(join(tmpdir(), "krm-image-"));
    await writeContainerConfig(dir, cluster.kubeconfigPath);
    container = await createReadOnlyContainer(built, config, [
      { source: join(dir, "config"), target: "/mnt" },
    ]);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    for (const name of names)
      await core.createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name },
          spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] },
        },
      });
    redis = await startRedis();
  }, IMAGE_BUILD_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    for (const child of processes) await child.stop();
    await container?.remove();
    await redis?.stop();
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("is the image the deploy manifests name", async () => {
    const kustomization = await readFile(resolve(ROOT, "deploy/kustomization.yaml"), "utf8");
    const newName = /^\s+newName:\s*(\S+)/m.exec(kustomization)?.[1];
    const newTag = /^\s+newTag:\s*(\S+)/m.exec(kustomization)?.[1];
    expect(`localhost/${newName ?? ""}:${newTag ?? ""}`).toBe(built.image);
  });

  it("prints krm's usage when run without arguments (`docker run krm:<version>`)", async () => {
    const help = start({ logPath: join(dir, "help.log") });
    await help.waitForExit();
    expect(help.exited).toMatch(/code 0\b/);
    expect(await readFile(help.logPath, "utf8")).toContain("Usage: krm <command> [flags]");
  });

  it("runs as the unprivileged user 10001, never root", async () => {
    expect(config.User).toBe("10001:10001");
    const id = await running().exec(["id", "-u"]);
    expect(id.stdout.trim()).toBe("10001");
    expect((await running().exec(["id", "-g"])).stdout.trim()).toBe("10001");
  });

  it("holds the runtime's compiled code, with what `krm run` starts on its own, but no tests or benchmarks", async () => {
    const listing = await running().exec(["ls", "/app/dist"]);
    const folders = listing.stdout.trim().split("\n");
    expect(folders).toEqual(expect.arrayContaining(["cli", "core", "local"]));
    expect(folders).not.toContain("test");
    expect(folders).not.toContain("bench");
  });

  it("has a read-only root filesystem: writes fail everywhere but /tmp", async () => {
    for (const path of ["/app/written", "/written", "/etc/written", "/mnt/written"]) {
      const write = await running().exec(["touch", path]);
      expect(write.status, path).not.toBe(0);
      expect(write.stderr, path).toContain("Read-only file system");
    }
    expect((await running().exec(["touch", "/tmp/written"])).status).toBe(0);
  });

  it(
    "`krm run` inside serves the control plane's pods to kubectl and the typed client",
    { timeout: 300_000 },
    async () => {
      const port = await freePort();
      const krm = start({
        logPath: join(dir, "krm-run.log"),
        // Always an explicit Redis: without one `krm run` would try to start its own.
        args: [
          "run",
          "--kubeconfig",
          "/mnt/kubeconfig",
          "--redis-url",
          redisUrl(),
          "--kinds",
          "pods",
          "--host",
          "127.0.0.1",
          "--port",
          String(port),
        ],
      });
      const url = `http://127.0.0.1:${port}`;
      await waitReady(url, [krm]);
      // The server process itself (not only `id`) runs as 10001.
      const status = await readFile(`/proc/${String(krm.pid)}/status`, "utf8");
      expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe("10001");

      const kubeconfig = join(dir, "krm.kubeconfig");
      await writeFile(kubeconfig, krmKubeconfig(url));
      const fromKubectl = await waitUntil(
        async () => {
          const out = await kubectlOk(["--kubeconfig", kubeconfig, "get", "pods", "-n", ns, "-o", "name"]);
          const lines = out.split("\n").filter((line) => line !== "");
          return lines.length === POD_COUNT ? lines : undefined;
        },
        { what: "kubectl to list the pods through krm", timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(fromKubectl.sort()).toEqual(names.map((name) => `pod/${name}`));

      await expectPodsFromTypedClient(url);
      await expectCleanStop([krm]);
    },
  );

  it(
    "the API and the pods pipeline as separate containers, as deploy/ runs them, serve the pods",
    { timeout: 300_000 },
    async () => {
      const common = ["--redis-url", redisUrl(), "--key-prefix", "krm-parts"];
      const parts: ManagedProcess[] = [];
      for (const part of ["aggregator", "streamer", "verifier"]) {
        const kube = part === "aggregator" ? [] : ["--kubeconfig", "/mnt/kubeconfig"];
        const health = ["--health-port", String(await freePort())];
        parts.push(
          start({
            logPath: join(dir, `${part}.log`),
            args: [part, "--kind", "pods", ...kube, ...health, ...common],
          }),
        );
      }
      const port = await freePort();
      // Only the pods pipeline runs here, so the API serves pods alone: capacity views (on by
      // default) would add namespaces and resourcequotas, whose pipelines this test does not start.
      const api = [
        "api",
        "--kinds",
        "pods",
        "--no-capacity",
        "--host",
        "127.0.0.1",
        "--port",
        String(port),
        ...common,
      ];
      parts.push(start({ logPath: join(dir, "api.log"), args: api }));
      const url = `http://127.0.0.1:${port}`;
      await waitReady(url, parts);
      await expectPodsFromTypedClient(url);
      await expectCleanStop(parts);
    },
  );

  function redisUrl(): string {
    if (redis === undefined) throw new Error("no Redis");
    return redis.url;
  }

  async function waitReady(url: string, processes: readonly ManagedProcess[]): Promise<void> {
    await waitUntil(async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined), {
      what: `krm in the container to be ready at ${url}`,
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 250,
      abortReason: () => processes.find((child) => child.exited !== undefined)?.exited,
      describeFailure: async () => (await Promise.all(processes.map((child) => child.logTail()))).join("\n"),
    });
  }

  async function expectPodsFromTypedClient(url: string): Promise<void> {
    const client = createKrmClient({ baseUrl: url });
    const list = await waitUntil(
      async () => {
        const pods = await client.pods.list({ namespace: ns });
        return pods.items.length === POD_COUNT ? pods : undefined;
      },
      { what: "the typed client to list the pods through krm", timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(list.items.map((pod) => pod.metadata?.name).sort()).toEqual(names);
    expect(list.items.every((pod) => pod.metadata?.creationTimestamp instanceof Date)).toBe(true);
  }

  /** Each stops on SIGTERM with exit code 0, and none tried to write outside /tmp (EROFS). */
  async function expectCleanStop(processes: readonly ManagedProcess[]): Promise<void> {
    for (const child of [...processes].reverse()) {
      await child.stop();
      expect(child.exited, child.logPath).toMatch(/code 0\b/);
      expect(await readFile(child.logPath, "utf8")).not.toMatch(/EROFS|read-only file system/i);
    }
  }

  function running(): ReadOnlyContainer {
    if (container === undefined) throw new Error("no container (the image did not build)");
    return container;
  }

  function start(options: { args?: readonly string[]; logPath: string }): ManagedProcess {
    const child = running().start(options);
    processes.push(child);
    return child;
  }
});

/** Copies the admin kubeconfig into `dir`/config, readable by the container's user. */
async function writeContainerConfig(dir: string, kubeconfigPath: string): Promise<void> {
  const config = join(dir, "config");
  await mkdir(config);
  await chmod(config, 0o755);
  await copyFile(kubeconfigPath, join(config, "kubeconfig"));
  await chmod(join(config, "kubeconfig"), 0o644);
}

/** A kubeconfig that points kubectl at krm (no auth: --auth none on loopback). */
function krmKubeconfig(server: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "krm", cluster: { server } }],
    users: [{ name: "u", user: {} }],
    contexts: [{ name: "krm", context: { cluster: "krm", user: "u" } }],
    "current-context": "krm",
  });
}
