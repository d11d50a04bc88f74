import { createServer, get, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sendJson, WRITE_BLOCK_BYTES, type ChunkedBody } from "./respond.js";

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** Serves `body` on loopback; resolves with the port and the sizes of the writes the response made. */
async function serve(body: ChunkedBody): Promise<{ port: number; writes: number[]; done: Promise<void> }> {
  const writes: number[] = [];
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  server = createServer((_request, response: ServerResponse) => {
    const write = response.write.bind(response) as (chunk: Buffer) => boolean;
    response.write = ((chunk: Buffer) => {
      writes.push(chunk.length);
      return write(chunk);
    }) as ServerResponse["write"];
    response.on("close", finished);
    sendJson(response, 200, body);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { port: (server?.address() as AddressInfo).port, writes, done };
}

function bodyOf(chunks: Buffer[]): ChunkedBody {
  return { chunks, length: chunks.reduce((sum, chunk) => sum + chunk.length, 0) };
}

function fetchBody(port: number, pauseMs = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/" }, (response) => {
      const parts: Buffer[] = [];
      if (pauseMs > 0) {
        response.pause();
        setTimeout(() => response.resume(), pauseMs);
      }
      response.on("data", (part: Buffer) => parts.push(part));
      response.on("end", () => resolve(Buffer.concat(parts)));
      response.on("error", reject);
    }).on("error", reject);
  });
}

describe("sendJson with a chunked body", () => {
  it("sends every byte in order, in blocks instead of one write per chunk", async () => {
    // 20 000 small chunks (a list of small objects), one large one, then small ones again.
    const chunks = Array.from({ length: 20_000 }, (_, i) => Buffer.from(`{"i":${i}},`));
    const large = WRITE_BLOCK_BYTES * 2;
    chunks.splice(10_000, 0, Buffer.alloc(large, "x"));
    const body = bodyOf(chunks);
    const { port, writes } = await serve(body);
    const received = await fetchBody(port);
    expect(received.equals(Buffer.concat(chunks))).toBe(true);
    // The large chunk goes out as it is; the rest in blocks of at most WRITE_BLOCK_BYTES.
    expect(writes).toContain(large);
    expect(writes.filter((size) => size !== large).every((size) => size <= WRITE_BLOCK_BYTES)).toBe(true);
    expect(writes.length).toBeLessThanOrEqual(Math.ceil(body.length / (WRITE_BLOCK_BYTES / 2)) + 1);
  });

  it("waits for a slow reader instead of queueing the whole body", async () => {
    const chunks = Array.from({ length: 10_000 }, (_, i) => Buffer.alloc(2_000, i % 256));
    const { port, writes } = await serve(bodyOf(chunks));
    const received = fetchBody(port, 300);
    // While the reader is paused, only what fits in the socket buffers has been written.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const writtenWhilePaused = writes.reduce((sum, size) => sum + size, 0);
    expect(writtenWhilePaused).toBeLessThan(16_000_000);
    expect((await received).equals(Buffer.concat(chunks))).toBe(true);
  });

  it("stops writing when the client goes away, without failing", async () => {
    const chunks = Array.from({ length: 10_000 }, () => Buffer.alloc(2_000, 1));
    const { port, writes, done } = await serve(bodyOf(chunks));
    await new Promise<void>((resolve, reject) => {
      get({ host: "127.0.0.1", port, path: "/" }, (response) => {
        response.once("data", () => {
          response.destroy();
          resolve();
        });
      }).on("error", reject);
    });
    await done;
    const written = writes.reduce((sum, size) => sum + size, 0);
    expect(written).toBeLessThan(20_000_000);
  });
});
