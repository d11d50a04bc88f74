/**
 * Which endpoint each writer calls, against a fake InfluxDB (a local HTTP server answering
 * like 1.6 or 2.x would). The real 1.6 is exercised by test/metrics/.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createInfluxWriter } from "./create-writer.js";
import { InfluxWriteError } from "./influx-writer.js";

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A fake InfluxDB reporting `version` on /ping and answering writes with `writeStatus`. */
async function fakeInflux(
  version: string,
  writeStatus = 204,
  writeBody = "",
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        body,
      });
      res.setHeader("X-Influxdb-Version", version);
      if (req.url === "/ping") res.writeHead(204).end();
      else res.writeHead(writeStatus, { "content-type": "application/json" }).end(writeBody);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, seen };
}

const LINE = "krm_stream_event,kind=pods,type=ADDED count=1i 1000000001";

describe("createInfluxWriter", () => {
  it("auto: an InfluxDB 1.6 gets v1 /write with db, rp and ns precision", async () => {
    const influx = await fakeInflux("1.6.7~rc0");
    const writer = createInfluxWriter({ url: influx.url, database: "krm", retentionPolicy: "week" });
    await writer.write([LINE, LINE]);
    expect(writer.api).toBe("v1");
    expect(influx.seen.map((s) => s.url)).toEqual(["/ping", "/write?db=krm&precision=ns&rp=week"]);
    expect(influx.seen[1]?.body).toBe(`${LINE}\n${LINE}`);
  });

  it("auto: an InfluxDB 2.x gets /api/v2/write through the client library, with the token", async () => {
    const influx = await fakeInflux("2.7.1");
    const writer = createInfluxWriter({ url: influx.url, org: "acme", bucket: "krm", token: "secret" });
    await writer.write([LINE]);
    expect(writer.api).toBe("v2");
    expect(influx.seen[1]?.url).toBe("/api/v2/write?org=acme&bucket=krm&precision=ns");
    expect(influx.seen[1]?.authorization).toBe("Token secret");
    expect(influx.seen[1]?.body).toBe(LINE);
    await writer.close();
  });

  it("v2 on 1.8: bucket is database/retention policy, token is user:password", async () => {
    const influx = await fakeInflux("1.8.10");
    const writer = createInfluxWriter({
      url: influx.url,
      api: "v2",
      database: "krm",
      retentionPolicy: "autogen",
      username: "u",
      password: "p",
    });
    await writer.write([LINE]);
    expect(influx.seen[0]?.url).toBe("/api/v2/write?org=-&bucket=krm%2Fautogen&precision=ns");
    expect(influx.seen[0]?.authorization).toBe("Token u:p");
    await writer.close();
  });

  it("a 400 is a rejection (not retried); a 503 and a refused connection are retriable", async () => {
    const bad = await fakeInflux("1.6.7", 400, '{"error":"field type conflict"}');
    const rejecting = createInfluxWriter({ url: bad.url, api: "v1" });
    await expect(rejecting.write([LINE])).rejects.toMatchObject({ retriable: false });
    await new Promise((resolve) => server?.close(resolve));

    const busy = await fakeInflux("2.7.1", 503, '{"code":"unavailable","message":"busy"}');
    const retrying = createInfluxWriter({ url: busy.url, api: "v2" });
    await expect(retrying.write([LINE])).rejects.toMatchObject({ retriable: true });
    await retrying.close();

    const unreachable = createInfluxWriter({ url: "http://127.0.0.1:1", api: "auto" });
    const failure: unknown = await unreachable.write([LINE]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InfluxWriteError);
    expect(failure).toMatchObject({ retriable: true });
  });
});
