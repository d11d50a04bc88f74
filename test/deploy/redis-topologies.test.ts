import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedis, type RedisConnection, type RedisConnectOptions } from "../../core/redis-connection.js";
import { probeRedisUrl } from "../../core/redis-health.js";
import { kindKeys } from "../../core/redis-keys.js";
import {
  readDirect,
  startCluster,
  startPasswordRedis,
  startSentinel,
  type RedisTopology,
} from "./redis-topologies.js";
import { createTestCa, type TestCa } from "./test-ca.js";

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

async function withConnection(
  url: string,
  use: (redis: RedisConnection) => Promise<void>,
  options: RedisConnectOptions = {},
): Promise<void> {
  const redis = createRedis(url, "krm-deploy-test", options);
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

describe("over TLS (rediss://, rediss-sentinel://, rediss-cluster://), with passwords", () => {
  const password = "tls/pass:word";
  const sentinelPassword = "sentinel-pass";
  let dir: string;
  let ca: TestCa;
  let trusted: RedisConnectOptions;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "krm-redis-tls-"));
    ca = await createTestCa(dir);
    trusted = { tls: { ca: ca.caPem } };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe("a standalone server", () => {
    let redis: RedisTopology;
    beforeAll(async () => {
      redis = await startPasswordRedis(password, ca);
    });
    afterAll(() => redis.stop());
    const url = (): string => `rediss://default:${encodeURIComponent(password)}@${redis.hosts.join(",")}/1`;

    it("is reached with the CA trusted", async () => {
      await withConnection(url(), (connection) => writeLikeKrm(connection, "tls-standalone"), trusted);
      const key = `${kindKeys(pods).state}:probe`;
      expect(await readDirect(redis.dataPorts[0] ?? 0, key, { password, db: 1, tls: ca })).toBe(
        "tls-standalone",
      );
    });

    it("is not reached in plaintext, nor with a certificate krm does not trust", async () => {
      await expect(probeRedisUrl(url().replace("rediss:", "redis:"), 3_000)).rejects.toThrow(
        /cannot reach Redis/,
      );
      await expect(probeRedisUrl(url(), 3_000)).rejects.toThrow(/certificate/);
    });

    it("refuses a wrong password, and the error does not repeat it", async () => {
      const wrong = `rediss://default:not-${encodeURIComponent(password)}@${redis.hosts.join(",")}`;
      const error = await probeRedisUrl(wrong, 5_000, trusted).catch((e: unknown) => e);
      expect(String(error)).toMatch(/WRONGPASS/);
      expect(String(error)).not.toContain("not-tls");
    });
  });

  describe("a master behind password-protected Sentinels", () => {
    let sentinel: RedisTopology;
    beforeAll(async () => {
      sentinel = await startSentinel("tlsmaster", { tls: ca, password, sentinelPassword });
    });
    afterAll(() => sentinel.stop());

    it("asks the Sentinels over TLS with their password, then writes to the master over TLS", async () => {
      const url = `rediss-sentinel://default:${encodeURIComponent(password)}@${sentinel.hosts.join(",")}/tlsmaster?db=2&sentinel-password=${sentinelPassword}`;
      await withConnection(url, (connection) => writeLikeKrm(connection, "tls-sentinel"), trusted);
      const key = `${kindKeys(pods).state}:probe`;
      expect(await readDirect(sentinel.dataPorts[0] ?? 0, key, { password, db: 2, tls: ca })).toBe(
        "tls-sentinel",
      );
    });

    it("is refused without the Sentinels' password", async () => {
      const url = `rediss-sentinel://default:${encodeURIComponent(password)}@${sentinel.hosts.join(",")}/tlsmaster`;
      await expect(probeRedisUrl(url, 5_000, trusted)).rejects.toThrow(/cannot reach Redis/);
    });
  });

  describe("a Cluster", () => {
    let cluster: RedisTopology;
    beforeAll(async () => {
      cluster = await startCluster({ tls: ca, password });
    });
    afterAll(() => cluster.stop());

    it("runs a kind's transaction over TLS on the slot's owner", async () => {
      const url = `rediss-cluster://default:${encodeURIComponent(password)}@${cluster.hosts.slice(0, 2).join(",")}`;
      await withConnection(url, (connection) => writeLikeKrm(connection, "tls-cluster"), trusted);
      const key = `${kindKeys(pods).state}:probe`;
      const values = await Promise.all(
        cluster.dataPorts.map((port) => readDirect(port, key, { password, tls: ca })),
      );
      expect(values.filter((value) => value !== undefined)).toEqual(["tls-cluster"]);
    });
  });
});
