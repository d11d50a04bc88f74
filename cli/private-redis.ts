import { accessSync, constants, existsSync } from "node:fs";
import { mkdir, readFile, readlink, realpath, rm, writeFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { delimiter, join } from "node:path";
import type { Logger } from "../core/logger.js";
import type { RunningPart } from "../core/running-part.js";
import { lockDir } from "./run/dir-lock.js";
import { StartupError } from "./startup-error.js";

/** The program krm starts; Debian's and Homebrew's packages both install it under this name. */
export const REDIS_SERVER = "redis-server";

export const REDIS_NOT_INSTALLED =
  "redis-server is not installed: install it (apt-get install redis-server, dnf install redis, brew install redis) or pass --redis-url redis://HOST:6379";

export interface PrivateRedisOptions {
  /**
   * Data folder, kept after stop so the next start is warm; default a temp folder removed
   * on stop. A folder another live krm holds is not shared: that start gets a temp folder.
   */
  readonly dir?: string;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
  /** A stop signal while starting: the server started so far is stopped and the start rejects. */
  readonly signal?: AbortSignal;
}

export interface PrivateRedis {
  /** redis://127.0.0.1:<random free port> */
  readonly url: string;
  /** The data folder, or undefined for a temp one. */
  readonly dir: string | undefined;
  readonly part: RunningPart;
}

/**
 * The redis-server `krm run` starts when no `--redis-url` is given (the local demo and a
 * user's own cluster alike): loopback only, a random free port, append-only persistence
 * (local/redis-server.ts holds the one way krm starts a redis-server). Its own
 * process group, so a Ctrl-C in the terminal reaches krm, which stops Redis last.
 */
export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  if (findOnPath(REDIS_SERVER, options.env["PATH"] ?? "") === undefined) {
    throw new StartupError(REDIS_NOT_INSTALLED, 2);
  }
  let dir = options.dir;
  let unlock: (() => Promise<void>) | undefined;
  if (dir !== undefined) {
    await mkdir(dir, { recursive: true });
    unlock = await lockDir(dir);
    if (unlock === undefined) {
      options.logger.warn({ dir }, "another krm uses this Redis data folder; starting with an empty one");
      dir = undefined;
    } else {
      await stopOrphan(dir, options.logger);
    }
  }
  const { startRedis } = await import("../local/redis-server.js");
  let part: RunningPart | undefined;
  try {
    const redis = await startRedis({
      ...(dir !== undefined ? { dir } : {}),
      ownProcessGroup: true,
      signal: options.signal,
    });
    part = {
      name: "private-redis",
      stop: async () => {
        await redis.stop();
        if (dir !== undefined) await rm(join(dir, REDIS_PID_FILE), { force: true });
        await unlock?.();
      },
    };
    options.logger.info({ redisUrl: redis.url, dir: dir ?? "(temporary)" }, "started a private redis-server");
    if (dir !== undefined && redis.pid !== undefined)
      await writeFile(join(dir, REDIS_PID_FILE), String(redis.pid));
    return { url: redis.url, dir, part };
  } catch (error) {
    await (part?.stop() ?? unlock?.());
    throw error;
  }
}

/** In a data folder: the pid of the redis-server started on it, removed when it is stopped. */
export const REDIS_PID_FILE = "redis-server.pid";
/** An orphan gets this long to flush its append-only file and exit after SIGTERM. */
const ORPHAN_STOP_MS = 10_000;

/**
 * A krm killed with SIGKILL leaves its redis-server running (it has its own process group).
 * The next krm on the folder stops it first, so two servers never write one append-only file.
 */
async function stopOrphan(dir: string, logger: Logger): Promise<void> {
  const pid = Number((await readFile(join(dir, REDIS_PID_FILE), "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  // Only a redis-server working in this very folder (redis-server changes into its --dir; a
  // recycled pid may be anything else).
  const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => "");
  if (command.startsWith(REDIS_SERVER) && cwd === (await realpath(dir))) {
    logger.warn({ pid, dir }, "stopping the redis-server a killed krm left running on this data folder");
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + ORPHAN_STOP_MS;
    while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await sleep(100);
    if (existsSync(`/proc/${pid}`)) process.kill(pid, "SIGKILL");
  }
  await rm(join(dir, REDIS_PID_FILE), { force: true });
}

/** The path of an executable named `name` on `path` (a PATH value), or undefined. */
export function findOnPath(name: string, path: string): string | undefined {
  for (const folder of path.split(delimiter)) {
    if (folder === "") continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
