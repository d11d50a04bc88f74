import { afterAll, beforeAll, expect, test } from "vitest";
import { startInflux, type InfluxServer } from "./influx-server.js";

let influx: InfluxServer;

beforeAll(async () => {
  influx = await startInflux();
});

afterAll(async () => {
  await influx.remove();
});

test("answers InfluxQL and keeps points across stop and start on the same port", async () => {
  await influx.query("CREATE DATABASE krm_test", "krm_test");
  await influx.write("probe,kind=pods value=42 1700000000000", "krm_test");
  const port = influx.port;
  await influx.stop();
  await influx.start();
  expect(influx.port).toBe(port);
  const answer = await influx.query('SELECT "value" FROM "probe" WHERE "kind" = \'pods\'', "krm_test");
  expect(answer.results[0]?.series?.[0]?.values).toEqual([[1700000000000, 42]]);
});

test("reports InfluxQL errors as thrown errors", async () => {
  await expect(influx.query("SELEKT nonsense", "krm_test")).rejects.toThrow(/influx query failed/);
});
