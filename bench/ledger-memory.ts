/**
 * `npm run bench:ledger`: the usage ledger's Redis memory per 10k pods per day of history, on a
 * real redis-server. 10,000 pods in 100 namespaces and 20 `team` values run all day; 10 % of
 * them are replaced every hour (churn: each replacement closes one record and opens another).
 * Every change goes through the ledger's own script (usage/ledger/ledger-script.ts) in batches
 * of 1,000, as the follower sends them. Prints used_memory before and after, and the split
 * between object records and hour buckets.
 */
import { Redis } from "ioredis";
import { ledgerKeys } from "../core/redis-keys.js";
import { applyObservations } from "../usage/ledger/ledger-script.js";
import type { Observation } from "../usage/ledger/observation.js";
import { startRedis } from "../local/redis-server.js";

const PODS = 10_000;
const HOURS = 24;
const CHURN_PER_HOUR = 0.1;
const BATCH = 1_000;
const HOUR = 3_600_000;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? "0");
}

async function main(): Promise<void> {
  const server = await startRedis();
  const redis = new Redis(server.url);
  const keys = ledgerKeys();
  try {
    const start = Math.floor(Date.now() / HOUR) * HOUR - HOURS * HOUR;
    let rv = 1;
    let serial = 0;
    const open = (slot: number, at: number): Observation => ({
      uid: `pod-${serial++}`,
      rv: String(rv++),
      at,
      reserving: {
        since: at,
        rates: { cpu: 0.25, memory: 512 * 2 ** 20 },
        groups: [`namespace:ns-${slot % 100}`, `label:team=team-${slot % 20}`],
      },
    });
    const live: Observation[] = [];
    const pending: Observation[] = [];
    for (let slot = 0; slot < PODS; slot++) {
      const pod = open(slot, start);
      live.push(pod);
      pending.push(pod);
    }
    const before = await usedMemory(redis);
    const flush = async (): Promise<void> => {
      while (pending.length > 0)
        await applyObservations(redis, keys, pending.splice(0, BATCH), { kind: "pods" });
    };
    await flush();
    for (let hour = 1; hour <= HOURS; hour++) {
      const at = start + hour * HOUR;
      for (let n = 0; n < PODS * CHURN_PER_HOUR; n++) {
        const slot = Math.floor(Math.random() * PODS);
        const old = live[slot];
        if (old?.reserving === undefined) continue;
        pending.push({ uid: old.uid, rv: String(rv++), at, reserving: old.reserving, until: at });
        const pod = open(slot, at);
        live[slot] = pod;
        pending.push(pod);
      }
      await flush();
    }
    const after = await usedMemory(redis);
    const objects = Number(await redis.memory("USAGE", keys.objects("pods"), "SAMPLES", "0"));
    let buckets = 0;
    for (let hour = 0; hour <= HOURS; hour++)
      buckets += Number(
        (await redis.memory("USAGE", `${keys.hourPrefix}${start + hour * HOUR}`, "SAMPLES", "0")) ?? 0,
      );
    const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    process.stdout.write(
      [
        `ledger memory for ${PODS} pods over ${HOURS} h (${CHURN_PER_HOUR * 100} % churn per hour, ${rv - 1} changes):`,
        `  used_memory grew by ${mib(after - before)}`,
        `  object records (ledger-objects:pods, ${await redis.hlen(keys.objects("pods"))} records): ${mib(objects)}`,
        `  hour buckets (${HOURS + 1} hashes): ${mib(buckets)}`,
        "",
      ].join("\n"),
    );
  } finally {
    redis.disconnect();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
