import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionOptions } from "node:tls";
import type { Redis } from "ioredis";
import { freePort } from "../../local/free-port.js";
import { withClient } from "../../local/redis-server.js";
import { ManagedProcess } from "../../local/managed-process.js";
import { waitUntil } from "../../local/wait-until.js";
import { redisTlsArgs, type TestCa } from "./test-ca.js";

/**
 * Real Redis topologies that deploy/README.md tells users to point krm at: a password-protected
 * standalone server, a master watched by a Sentinel, and a three-master Cluster, all from
 * Debian's redis-server on loopback. Each can serve TLS only (Debian's redis-server is built
 * with TLS), with a certificate from a test CA, and require passwords.
 */

/** TLS and passwords of a topology; all optional. */
export interface TopologyOptions {
  /** Serve TLS only, with this CA's server certificate (no plaintext port). */
  readonly tls?: TestCa;
  /** `requirepass` of the data nodes (the default user's password). */
  readonly password?: string;
  /** `requirepass` of the Sentinels. */
  readonly sentinelPassword?: string;
}

/** Client TLS settings that trust the topology's CA. */
function clientTls(options: TopologyOptions): ConnectionOptions | undefined {
  return options.tls === undefined ? undefined : { ca: options.tls.caPem };
}

/** `--port` or, with TLS, `--port 0 --tls-port` and the certificate files. */
function listenArgs(port: number, options: TopologyOptions): string[] {
  return options.tls === undefined
    ? ["--port", String(port)]
    : ["--port", "0", "--tls-port", String(port), ...redisTlsArgs(options.tls)];
}

/** Nodes start in milliseconds; a Cluster needs a few gossip rounds to agree its slots are covered. */
export const TOPOLOGY_READY_TIMEOUT_MS = 30_000;

export interface RedisTopology {
  /** Hosts and ports, in the order of the URL formats (`host:port,host:port`). */
  readonly hosts: readonly string[];
  /** Ports of the data nodes, for direct inspection. */
  readonly dataPorts: readonly number[];
  stop(): Promise<void>;
}

interface Node {
  readonly port: number;
  readonly process: ManagedProcess;
}

async function startNode(
  dir: string,
  name: string,
  args: readonly string[],
  options: TopologyOptions = {},
): Promise<Node> {
  const nodePort = await freePort();
  const process = ManagedProcess.start({
    command: "redis-server",
    args: [
      ...args,
      "--bind",
      "127.0.0.1",
      ...listenArgs(nodePort, options),
      ...(options.password !== undefined
        ? ["--requirepass", options.password, "--masterauth", options.password]
        : []),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no",
      "--logfile",
      "",
    ],
    logPath: join(dir, `${name}.log`),
  });
  return { port: nodePort, process };
}

/** A short-lived admin client that fails fast (no retries), for readiness polls. */
function adminCall<T>(
  port: number,
  password: string | undefined,
  use: (client: Redis) => Promise<T>,
  tls?: ConnectionOptions,
): Promise<T> {
  return withClient(port, use, password, tls);
}

async function waitForPing(node: Node, options: TopologyOptions = {}): Promise<void> {
  await waitUntil(
    () =>
      adminCall(
        node.port,
        options.password,
        async (c) => ((await c.ping()) === "PONG" ? true : undefined),
        clientTls(options),
      ),
    {
      what: `redis on port ${node.port}`,
      timeoutMs: TOPOLOGY_READY_TIMEOUT_MS,
      intervalMs: 50,
      abortReason: () => node.process.exited,
      describeFailure: () => node.process.logTail(),
    },
  );
}

async function withTempDir<T>(prefix: string, start: (dir: string, nodes: Node[]) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const nodes: Node[] = [];
  try {
    return await start(dir, nodes);
  } catch (error) {
    await stopAll(dir, nodes);
    throw error;
  }
}

async function stopAll(dir: string, nodes: readonly Node[]): Promise<void> {
  await Promise.all(nodes.map((node) => node.process.stop()));
  await rm(dir, { recursive: true, force: true });
}

/** One redis-server that requires `password` for the default user (over TLS with `tls`). */
export function startPasswordRedis(password: string, tls?: TestCa): Promise<RedisTopology> {
  const options = { password, ...(tls !== undefined ? { tls } : {}) };
  return withTempDir("krm-redis-auth-", async (dir, nodes) => {
    const node = await startNode(dir, "standalone", [], options);
    nodes.push(node);
    await waitForPing(node, options);
    return { hosts: [`127.0.0.1:${node.port}`], dataPorts: [node.port], stop: () => stopAll(dir, nodes) };
  });
}

/** Sentinels started by {@link startSentinel}: two, so the URL lists hosts as users' do. */
export const SENTINEL_COUNT = 2;

/**
 * A master and {@link SENTINEL_COUNT} Sentinels monitoring it as `masterName` (quorum 1); hosts
 * are the Sentinels'. With `tls` everything speaks TLS only (Sentinels reach the master over
 * TLS too); `password` protects the master, `sentinelPassword` the Sentinels.
 */
export function startSentinel(masterName: string, options: TopologyOptions = {}): Promise<RedisTopology> {
  return withTempDir("krm-redis-sentinel-", async (dir, nodes) => {
    const master = await startNode(dir, "master", [], options);
    nodes.push(master);
    await waitForPing(master, options);
    const sentinels: Node[] = [];
    for (let index = 0; index < SENTINEL_COUNT; index += 1) {
      const port = await freePort();
      // Sentinel rewrites its config file, so each needs one of its own.
      const config = join(dir, `sentinel-${index}.conf`);
      await writeFile(
        config,
        [
          `sentinel monitor ${masterName} 127.0.0.1 ${master.port} 1`,
          ...(options.password !== undefined ? [`sentinel auth-pass ${masterName} ${options.password}`] : []),
          ...(options.sentinelPassword !== undefined ? [`requirepass ${options.sentinelPassword}`] : []),
          ...(options.tls !== undefined ? ["tls-replication yes"] : []),
          "",
        ].join("\n"),
      );
      const sentinel: Node = {
        port,
        process: ManagedProcess.start({
          command: "redis-server",
          args: [
            config,
            "--sentinel",
            "--bind",
            "127.0.0.1",
            ...listenArgs(port, options),
            "--protected-mode",
            "no",
          ],
          logPath: join(dir, `sentinel-${index}.log`),
        }),
      };
      nodes.push(sentinel);
      sentinels.push(sentinel);
    }
    for (const sentinel of sentinels) {
      await waitUntil(
        () =>
          adminCall(
            sentinel.port,
            options.sentinelPassword,
            async (client) => {
              const address = (await client.call("SENTINEL", "get-master-addr-by-name", masterName)) as
                string[] | null;
              return address?.[1] === String(master.port) ? true : undefined;
            },
            clientTls(options),
          ),
        {
          what: `sentinel on port ${sentinel.port} to know ${masterName}`,
          timeoutMs: TOPOLOGY_READY_TIMEOUT_MS,
          intervalMs: 100,
          abortReason: () => sentinel.process.exited,
          describeFailure: () => sentinel.process.logTail(),
        },
      );
    }
    return {
      hosts: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`),
      dataPorts: [master.port],
      stop: () => stopAll(dir, nodes),
    };
  });
}

/** Three masters, no replicas, every slot assigned: the smallest real Redis Cluster (TLS-only bus and clients with `tls`). */
export function startCluster(options: TopologyOptions = {}): Promise<RedisTopology> {
  return withTempDir("krm-redis-cluster-", async (dir, nodes) => {
    for (const name of ["node-0", "node-1", "node-2"]) {
      // An explicit bus port: the default (port + 10000) may not exist for a high free port.
      const busPort = await freePort();
      const node = await startNode(
        dir,
        name,
        [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          `${name}.conf`,
          "--cluster-port",
          String(busPort),
          "--cluster-node-timeout",
          "5000",
          ...(options.tls !== undefined ? ["--tls-cluster", "yes", "--tls-replication", "yes"] : []),
        ],
        options,
      );
      nodes.push(node);
      await waitForPing(node, options);
    }
    const hosts = nodes.map((node) => `127.0.0.1:${node.port}`);
    await runRedisCli([
      ...(options.tls !== undefined ? ["--tls", "--cacert", options.tls.caCertPath] : []),
      ...(options.password !== undefined ? ["-a", options.password, "--no-auth-warning"] : []),
      "--cluster",
      "create",
      ...hosts,
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (const node of nodes) {
      await waitUntil(
        () =>
          adminCall(
            node.port,
            options.password,
            async (client) =>
              ((await client.call("CLUSTER", "INFO")) as string).includes("cluster_state:ok")
                ? true
                : undefined,
            clientTls(options),
          ),
        {
          what: `cluster node ${node.port} to see every slot covered`,
          timeoutMs: TOPOLOGY_READY_TIMEOUT_MS,
          intervalMs: 100,
          abortReason: () => node.process.exited,
          describeFailure: () => node.process.logTail(),
        },
      );
    }
    return { hosts, dataPorts: nodes.map((node) => node.port), stop: () => stopAll(dir, nodes) };
  });
}

function runRedisCli(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-cli", [...args], { stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", reject);
    child.once("close", (status) =>
      status === 0
        ? resolve()
        : reject(new Error(`redis-cli ${args.join(" ")} exited ${String(status)}:\n${output}`)),
    );
  });
}

/**
 * Reads a key straight from one data node (database `db`), bypassing krm's connection. On a
 * Cluster node that does not own the key's slot the answer is `undefined` (MOVED).
 */
export function readDirect(
  port: number,
  key: string,
  options: { password?: string; db?: number; tls?: TestCa } = {},
): Promise<string | null | undefined> {
  return adminCall(
    port,
    options.password,
    async (client) => {
      if (options.db !== undefined) await client.select(options.db);
      return client.get(key).catch((error: unknown) => {
        if (error instanceof Error && error.message.startsWith("MOVED")) return undefined;
        throw error;
      });
    },
    options.tls !== undefined ? { ca: options.tls.caPem } : undefined,
  );
}
