import { Redis } from "ioredis";
import { kindKeys } from "../core/redis-keys.js";
import { decodeFields } from "../core/stream-entry.js";

/** Fields of INFO memory the report uses. */
export interface RedisMemory {
  readonly usedMemory: number;
  readonly usedMemoryDataset: number | null;
}

export async function redisMemory(redis: Redis): Promise<RedisMemory> {
  const info = await redis.info("memory");
  const field = (name: string): number | null => {
    const match = new RegExp(`^${name}:(\\d+)`, "m").exec(info);
    return match?.[1] === undefined ? null : Number(match[1]);
  };
  return { usedMemory: field("used_memory") ?? 0, usedMemoryDataset: field("used_memory_dataset") };
}

/** Keys scanned per HSCAN call when summing the cached JSON. */
const SCAN_COUNT = 1000;

/** Total bytes of object JSON in a kind's served state (what an API replica must hold). */
export async function stateJsonBytes(
  redis: Redis,
  kindId: string,
): Promise<{ objects: number; bytes: number }> {
  const key = kindKeys({ id: kindId }).state;
  let cursor = "0";
  let objects = 0;
  let bytes = 0;
  do {
    const [next, flat] = await redis.hscan(key, cursor, "COUNT", SCAN_COUNT);
    cursor = next;
    for (let i = 1; i < flat.length; i += 2) {
      objects += 1;
      bytes += Buffer.byteLength(flat[i] ?? "");
    }
  } while (cursor !== "0");
  return { objects, bytes };
}

export interface VerificationStats {
  /** `verified-meta` of the last swapped snapshot. */
  readonly lastSnapshot: Record<string, string>;
  /** Entries of the `verifications` stream (drift per merged snapshot), oldest first. */
  readonly verifications: Record<string, string>[];
}

/** Verification cycles recorded by the verifier and aggregator for a kind (core/records.ts). */
export async function verificationStats(redis: Redis, kindId: string): Promise<VerificationStats> {
  const keys = kindKeys({ id: kindId });
  const lastSnapshot = await redis.hgetall(keys.verifiedMeta);
  const entries = await redis.xrange(keys.verifications, "-", "+");
  const verifications = entries.map(([, flat]) => Object.fromEntries(decodeFields(flat)));
  return { lastSnapshot, verifications };
}
