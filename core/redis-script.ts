/**
 * Runs a Lua script by its SHA1 and falls back to sending the source when the server does
 * not know it yet (first use, or after a Redis restart or SCRIPT FLUSH). All keys a
 * script touches are passed as KEYS and share the kind's hash tag, so it runs in Cluster too.
 */
import { createHash } from "node:crypto";
import type { RedisConnection } from "./redis-connection.js";

export class RedisScript {
  private readonly sha: string;
  constructor(readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(
    redis: RedisConnection,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
