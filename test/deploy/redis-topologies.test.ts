import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, type RedisConnection } from "../../core/redis-connection.js";
import { kindKeys } from "../../core/redis-keys.js";
import {
  readDirect,
  startCluster,
  startPasswordRedis,
  startSentinel,
  type RedisTopology,
} from "./redis-topologies.js";

/**
 * The REDIS_URL formats deploy/README.md documents for an existing Redis, each against a real
 * topology: krm's connection factory must reach the data node the URL means, and krm's
 * per-kind MULTI must work there (in a Cluster, only because a kind's keys share a hash tag).
 */

const pods = { id: "pods" };
const nodes = { id: "nodes" };

/** What a part does to a kind's keys, reduced: a transaction over two of them. */
async function writeLikeKrm(redis: RedisConnection, value: string): Promise<void> {
  const keys = kindKeys(pods);
  const result = await redis
    .multi()
    .hset(keys.state, "default/web", value)
    .hset(keys.stateMeta, "rv", "42")
    .exec();
  expect(result?.map(([error]) => error)).toEqual([null, null]);
  await redis.set(`${keys.state}:probe`, value);
}

async function withConnection(url: string, use: (redis: RedisConnection) => Promise<void>): Promise<void> {
  const redis = createRedis(url, "krm-deploy-test");
  try {
    await use(redis);
  } finally {
    redis.disconnect();
  }
}

describe("redis:// with user, password and database", () => {
  const password = "s3cret/with:specials";
  let redis: RedisTopology;
  beforeAll(async () => {
    redis = await startPasswordRedis(password);
  });
  afterAll(() => redis.stop());

  it("authenticates and selects the database", async () => {
    const url = `redis://default:${encodeURIComponent(password)}@${redis.hosts.join(",")}/3`;
    await withConnection(url, async (connection) => {
      await writeLikeKrm(connection, "standalone");
    });
    const key = `${kindKeys(pods).state}:probe`;
    expect(await readDirect(redis.dataPorts[0] ?? 0, key, { password, db: 3 })).toBe("standalone");
    expect(await readDirect(redis.dataPorts[0] ?? 0, key, { password, db: 0 })).toBeNull();
  });
});

describe("redis-sentinel://sentinels/master", () => {
  let sentinel: RedisTopology;
  beforeAll(async () => {
    sentinel = await startSentinel("mymaster");
  });
  afterAll(() => sentinel.stop());

  it("asks the Sentinels for the master and writes there, in the database given by ?db=", async () => {
    await withConnection(`redis-sentinel://${sentinel.hosts.join(",")}/mymaster?db=2`, async (connection) => {
      await writeLikeKrm(connection, "via-sentinel");
    });
    const key = `${kindKeys(pods).state}:probe`;
    expect(await readDirect(sentinel.dataPorts[0] ?? 0, key, { db: 2 })).toBe("via-sentinel");
  });
});

describe("redis-cluster://nodes", () => {
  let cluster: RedisTopology;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(() => cluster.stop());

  it("runs a kind's transaction on the one slot its keys hash to, from a subset of the nodes", async () => {
    await withConnection(`redis-cluster://${cluster.hosts.slice(0, 2).join(",")}`, async (connection) => {
      await writeLikeKrm(connection, "via-cluster");
      await connection.set(`${kindKeys(nodes).state}:probe`, "other-kind");
    });
    const owners = async (key: string): Promise<number[]> => {
      const values = await Promise.all(cluster.dataPorts.map((port) => readDirect(port, key)));
      return cluster.dataPorts.filter((_port, index) => values[index] !== undefined);
    };
    expect(await owners(`${kindKeys(pods).state}:probe`)).toHaveLength(1);
    expect(await owners(`${kindKeys(nodes).state}:probe`)).toHaveLength(1);
  });
});
