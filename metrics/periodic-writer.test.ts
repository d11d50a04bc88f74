import { createServer, type Server } from "node:http";
import { Point } from "@influxdata/influxdb-client";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger.js";
import { startPeriodicWriter } from "./periodic-writer.js";

/** A stand-in for InfluxDB's v1 `/write`: records bodies, answers `status`. */
async function fakeInflux(status: () => number): Promise<{ server: Server; url: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      bodies.push(body);
      response.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}`, bodies };
}

describe("startPeriodicWriter", () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it("writes each sample's points, reports the acknowledged ones, and drops a failed sample", async () => {
    let answer = 204;
    const influx = await fakeInflux(() => answer);
    server = influx.server;
    const written: number[] = [];
    let clock = 1_000;
    const writer = startPeriodicWriter({
      influx: { url: influx.url, database: "krm", api: "v1" },
      logger: silentLogger(),
      what: "test history",
      intervalMs: 3_600_000,
      now: () => clock,
      points: (at) => [new Point("m").intField("v", at).timestamp(`${at}000000`)],
      written: (at) => written.push(at),
    });
    expect(await writer.sample()).toBe(true);
    answer = 400;
    clock = 2_000;
    expect(await writer.sample()).toBe(false);
    expect(written).toEqual([1_000]);
    expect(influx.bodies).toEqual(["m v=1000i 1000000000", "m v=2000i 2000000000"]);
    await writer.stop();
  });

  it("never takes two samples at once, and a failing reader drops only its sample", async () => {
    const influx = await fakeInflux(() => 204);
    server = influx.server;
    let active = 0;
    let most = 0;
    let calls = 0;
    const writer = startPeriodicWriter({
      influx: { url: influx.url, database: "krm", api: "v1" },
      logger: silentLogger(),
      what: "test history",
      intervalMs: 3_600_000,
      points: async () => {
        calls += 1;
        active += 1;
        most = Math.max(most, active);
        await new Promise((resolve) => setImmediate(resolve));
        active -= 1;
        if (calls === 2) throw new Error("redis down");
        return [];
      },
    });
    const results = await Promise.all([writer.sample(), writer.sample(), writer.sample()]);
    expect(results).toEqual([true, false, true]);
    expect(most).toBe(1);
    await writer.stop();
  });
});
