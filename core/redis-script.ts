/**
 * Runs a Lua script by its SHA1 and falls back to sending the source when the server does
 * not know it yet (first use, or after a Redis restart or SCRIPT FLUSH). All keys a
 * script touches are passed as KEYS and share the kind's hash tag, so it runs in Cluster too.
 *
 * Arguments travel as one array (never spread into the call: spreading ~100k values
 * overflows V8's stack), and their number is capped: one EVAL is atomic, so a huge one
 * blocks Redis for everyone. Callers with more data stage it in pages first
 * (core/redis-pages.ts) and pass the staging key.
 */
import { createHash } from "node:crypto";
import type { RedisConnection } from "./redis-connection.js";

/** Most KEYS + ARGV one script call may carry. */
export const MAX_SCRIPT_ARGUMENTS = 20_000;

export class ScriptArgumentsError extends RangeError {
  override readonly name = "ScriptArgumentsError";
}

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
    const count = keys.length + args.length;
    if (count > MAX_SCRIPT_ARGUMENTS)
      throw new ScriptArgumentsError(
        `script called with ${count} arguments (at most ${MAX_SCRIPT_ARGUMENTS}); stage the data in pages`,
      );
    const flat: string[] = keys.concat(args.map(String));
    try {
      return await redis.evalsha(this.sha, keys.length, flat);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await redis.eval(this.source, keys.length, flat);
    }
  }
}
