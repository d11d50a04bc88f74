import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startRedis, type RedisServer } from "../../local/redis-server.js";

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis.stop();
});

async function withClient<T>(use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    return await use(client);
  } finally {
    client.disconnect();
  }
}

test("serves on its own loopback port", async () => {
  expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
  expect(await withClient((client) => client.ping())).toBe("PONG");
});

test("restart keeps the data on the same port", async () => {
  await withClient((client) => client.set("kept", "yes"));
  await redis.restart();
  expect(await withClient((client) => client.get("kept"))).toBe("yes");
});

test("flushAll removes every key", async () => {
  await withClient((client) => client.set("gone", "soon"));
  await redis.flushAll();
  expect(await withClient((client) => client.dbsize())).toBe(0);
});
