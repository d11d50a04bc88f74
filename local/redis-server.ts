import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionOptions } from "node:tls";
import { Redis } from "ioredis";
import { freePort } from "./free-port.js";
import { ManagedProcess, readTail } from "./managed-process.js";
import { waitUntil } from "./wait-until.js";

/** redis-server starts in milliseconds; replaying a large append-only file takes longer. */
export const REDIS_READY_TIMEOUT_MS = 30_000;

export interface RedisServerOptions {
  /** Folder for data and log; default a new temp folder, removed by stop. */
  readonly dir?: string;
  /** redis-server binary; default `redis-server` from PATH (Debian's package). */
  readonly binary?: string;
  /** Start it in its own process group, so a terminal's Ctrl-C reaches only its parent (krm run). */
  readonly ownProcessGroup?: boolean;
  /** More redis-server arguments, e.g. `["--aclfile", path]`. PING must stay open to the default user. */
  readonly args?: readonly string[];
  /** Aborting it while the server is starting stops the server; the start rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** A real redis-server on a free loopback port. */
export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** Path of the server log, for failure messages. */
  readonly logPath: string;
  /** Process id of the running redis-server (undefined once stopped). */
  readonly pid: number | undefined;
  /** Stops it (SIGTERM: the append-only file is flushed) and removes the temp folder. */
  stop(): Promise<void>;
  /**
   * Stops and starts it again on the same port with the same data: everything written before
   * survives (appendonly). Clients see their connections drop, as in a Redis restart.
   */
  restart(options?: { crash?: boolean }): Promise<void>;
  /** FLUSHALL: every key gone, as after losing an unpersisted Redis. */
  flushAll(): Promise<void>;
}

/**
 * Starts `redis-server` with its own config on the command line: loopback only, no RDB
 * snapshots (`save ""`), append-only file so restart keeps data, no protected mode.
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "krm-redis-")));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const logPath = join(dir, "redis.log");
  const args = [
    "--bind",
    "127.0.0.1",
    "--port",
    String(port),
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--protected-mode",
    "no",
    "--daemonize",
    "no",
    "--logfile",
    "",
    ...(options.args ?? []),
  ];
  let server: ManagedProcess | undefined;
  let stopped = false;

  const start = async (): Promise<void> => {
    const started = ManagedProcess.start({
      command: options.binary ?? "redis-server",
      args,
      logPath,
      ...(options.ownProcessGroup === true ? { detached: true } : {}),
    });
    server = started;
    await waitUntil(() => ping(port), {
      what: `redis-server on port ${port}`,
      timeoutMs: REDIS_READY_TIMEOUT_MS,
      intervalMs: 50,
      abortReason: () => started.exited,
      describeFailure: () => readTail(logPath, 4_000),
      signal: options.signal,
    });
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server?.stop();
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    port,
    logPath,
    get pid() {
      return server?.exited === undefined ? server?.pid : undefined;
    },
    stop,
    restart: async (restartOptions) => {
      if (restartOptions?.crash === true) await server?.kill();
      else await server?.stop();
      await start();
    },
    flushAll: async () => {
      await withClient(port, async (client) => {
        await client.flushall();
      });
    },
  };
}

async function ping(port: number): Promise<true | undefined> {
  return withClient(port, async (client) => ((await client.ping()) === "PONG" ? true : undefined));
}

/** A short-lived client that fails fast instead of retrying, for readiness checks and admin calls. */
export async function withClient<T>(
  port: number,
  use: (client: Redis) => Promise<T>,
  password?: string,
  tls?: ConnectionOptions,
): Promise<T> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    ...(password !== undefined ? { password } : {}),
    ...(tls !== undefined ? { tls } : {}),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}
