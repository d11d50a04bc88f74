import { accessSync, constants } from "node:fs";
import { mkdir } from "node:fs/promises";
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
 * (test/support/redis-server.ts holds the one way krm starts a redis-server). Its own
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
    }
  }
  const { startRedis } = await import("../test/support/redis-server.js");
  try {
    const redis = await startRedis({ ...(dir !== undefined ? { dir } : {}), ownProcessGroup: true });
    options.logger.info({ redisUrl: redis.url, dir: dir ?? "(temporary)" }, "started a private redis-server");
    return {
      url: redis.url,
      dir,
      part: {
        name: "private-redis",
        stop: async () => {
          await redis.stop();
          await unlock?.();
        },
      },
    };
  } catch (error) {
    await unlock?.();
    throw error;
  }
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
