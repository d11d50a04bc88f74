import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startMetricsExporter } from "../../metrics/index.js";
import { httpRequestText, type HttpResponse } from "../../local/http-request.js";
import { startInflux, type InfluxServer } from "../support/influx-server.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";
import { waitUntil } from "../../local/wait-until.js";
import { DEPLOY_DIR, findGenerated, renderKustomization, type KubeObject } from "./render.js";

/**
 * Issue 12 item 1, InfluxDB side: the users deploy/ generates, on a real influxd with
 * authentication on, created as the InfluxDB image's init script creates them from the
 * Secret influxdb-credentials. Anonymous callers and Chronograf's read-only user cannot
 * write; the metrics exporter writes with its generated credentials; Chronograf's provisioned
 * source reads what it wrote.
 */

const pods = BUILTIN_KINDS.find((kind) => kind.id === "pods") as KindSpec;

let objects: readonly KubeObject[];
let influx: InfluxServer;
let redis: RedisServer;
let users: Record<string, string>;
let exporterEnv: Record<string, string>;
let chronografSource: { username: string; password: string };

function secretData(name: string): Record<string, string> {
  const data = (findGenerated(objects, "Secret", name)["data"] ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64").toString()]),
  );
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

function query(q: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return httpRequestText(`${influx.url}/query`, {
    method: "POST",
    body: new URLSearchParams({ q, db: "krm" }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
}

function write(line: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return httpRequestText(`${influx.url}/write?db=krm`, { method: "POST", body: line, headers });
}

/** InfluxQL answered 200 with no error in any result. */
function succeeded(response: HttpResponse): boolean {
  return response.status === 200 && !response.body.includes('"error"');
}

beforeAll(async () => {
  objects = (await renderKustomization(DEPLOY_DIR)).objects;
  users = secretData("influxdb-credentials");
  exporterEnv = secretData("krm-metrics-credentials");
  chronografSource = JSON.parse(secretData("chronograf-source")["krm-influxdb.src"] ?? "{}") as {
    username: string;
    password: string;
  };
  expect(users["INFLUXDB_HTTP_AUTH_ENABLED"]).toBe("true");
  influx = await startInflux({ authEnabled: true });
  redis = await startRedis();
  // What the influxdb image's init script does with these variables on first start.
  const admin = basic(users["INFLUXDB_ADMIN_USER"] ?? "", users["INFLUXDB_ADMIN_PASSWORD"] ?? "");
  const statements = [
    `CREATE DATABASE "krm"`,
    `CREATE USER "${users["INFLUXDB_WRITE_USER"] ?? ""}" WITH PASSWORD '${users["INFLUXDB_WRITE_USER_PASSWORD"] ?? ""}'`,
    `GRANT WRITE ON "krm" TO "${users["INFLUXDB_WRITE_USER"] ?? ""}"`,
    `CREATE USER "${users["INFLUXDB_READ_USER"] ?? ""}" WITH PASSWORD '${users["INFLUXDB_READ_USER_PASSWORD"] ?? ""}'`,
    `GRANT READ ON "krm" TO "${users["INFLUXDB_READ_USER"] ?? ""}"`,
  ];
  const first = await query(
    `CREATE USER "${users["INFLUXDB_ADMIN_USER"] ?? ""}" WITH PASSWORD '${users["INFLUXDB_ADMIN_PASSWORD"] ?? ""}' WITH ALL PRIVILEGES`,
  );
  expect(succeeded(first), first.body).toBe(true);
  for (const statement of statements) {
    const response = await query(statement, admin);
    expect(succeeded(response), `${statement}: ${response.body}`).toBe(true);
  }
});

afterAll(async () => {
  await influx.remove();
  await redis.stop();
});

describe("InfluxDB with the generated users", () => {
  it("refuses anonymous reads and writes", async () => {
    expect((await write("forged value=1")).status).toBe(401);
    expect((await query("SHOW MEASUREMENTS")).status).toBe(401);
  });

  it("refuses writes with Chronograf's read-only user", async () => {
    const response = await write(
      "forged value=1",
      basic(chronografSource.username, chronografSource.password),
    );
    expect(response.status).toBe(403);
  });

  it("refuses reads with the exporter's write-only user", async () => {
    const response = await query(
      "SHOW MEASUREMENTS",
      basic(exporterEnv["INFLUX_USERNAME"] ?? "", exporterEnv["INFLUX_PASSWORD"] ?? ""),
    );
    expect(succeeded(response)).toBe(false);
  });

  it("takes the exporter's points, which Chronograf's source then reads", async () => {
    const parts: RunningPart[] = [];
    try {
      parts.push(
        await startMetricsExporter({
          kinds: [pods],
          redisUrl: redis.url,
          logger: silentLogger(),
          influx: {
            url: influx.url,
            api: "v1",
            username: exporterEnv["INFLUX_USERNAME"] ?? "",
            password: exporterEnv["INFLUX_PASSWORD"] ?? "",
            flushIntervalMs: 200,
          },
          sampleIntervalMs: 200,
        }),
      );
      const reader = basic(chronografSource.username, chronografSource.password);
      const measurements = await waitUntil(
        async () => {
          const response = await query("SHOW MEASUREMENTS", reader);
          return succeeded(response) && response.body.includes("krm_") ? response.body : undefined;
        },
        { what: "the exporter's measurements, read as Chronograf", timeoutMs: 60_000, intervalMs: 250 },
      );
      expect(measurements).toContain("krm_");
    } finally {
      await Promise.all(parts.map((part) => part.stop()));
    }
  });
});
