import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.js";
import { waitUntil } from "../../local/wait-until.js";

/**
 * Asserting that nothing happens needs a window of time; this one is long against loopback
 * round trips (well under a millisecond) yet keeps the suite fast.
 */
const QUIET_WINDOW_MS = 300;

interface EchoServer {
  readonly server: Server;
  readonly port: number;
  /** Bytes the echo server has received on all connections. */
  received(): number;
  accepted(): number;
}

async function startEchoServer(): Promise<EchoServer> {
  let received = 0;
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    socket.on("data", (chunk: Buffer) => {
      received += chunk.length;
      socket.write(chunk);
    });
    socket.on("error", () => undefined);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("echo server has no port");
  return { server, port: address.port, received: () => received, accepted: () => accepted };
}

/** A client connection that records what it reads and whether it ended. */
interface TestClient {
  readonly socket: Socket;
  text(): string;
  closed(): boolean;
}

async function connectClient(port: number): Promise<TestClient> {
  const socket = connect({ host: "127.0.0.1", port });
  let text = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  socket.on("close", () => (closed = true));
  socket.on("error", () => undefined);
  await once(socket, "connect");
  return { socket, text: () => text, closed: () => closed };
}

function quietWindow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
}

describe("fault proxy", () => {
  let echo: EchoServer;
  let proxy: FaultProxy;
  const clients: TestClient[] = [];

  const client = async (): Promise<TestClient> => {
    const created = await connectClient(proxy.port);
    clients.push(created);
    return created;
  };
  const expectEcho = (target: TestClient, text: string): Promise<boolean> =>
    waitUntil(() => (target.text().includes(text) ? true : undefined), {
      what: `echo of ${text}`,
      timeoutMs: 5_000,
      intervalMs: 10,
    });

  beforeEach(async () => {
    echo = await startEchoServer();
    proxy = await startFaultProxy({ targetHost: "127.0.0.1", targetPort: echo.port });
  });

  afterEach(async () => {
    for (const created of clients.splice(0)) created.socket.destroy();
    await proxy.stop();
    echo.server.close();
  });

  test("forwards bytes both ways and counts live connections", async () => {
    expect(proxy.url).toBe(`https://127.0.0.1:${proxy.port}`);
    const first = await client();
    const second = await client();
    first.socket.write("hello");
    second.socket.write("world");
    await expectEcho(first, "hello");
    await expectEcho(second, "world");
    expect(proxy.connectionCount()).toBe(2);
    first.socket.destroy();
    await waitUntil(() => (proxy.connectionCount() === 1 ? true : undefined), {
      what: "count 1",
      timeoutMs: 5_000,
    });
  });

  test("cutAll destroys every live connection, returns how many, and new connections still work", async () => {
    const first = await client();
    const second = await client();
    first.socket.write("a");
    await expectEcho(first, "a");
    expect(proxy.cutAll()).toBe(2);
    await waitUntil(() => (first.closed() && second.closed() ? true : undefined), {
      what: "clients closed",
      timeoutMs: 5_000,
    });
    expect(proxy.connectionCount()).toBe(0);
    const third = await client();
    third.socket.write("again");
    await expectEcho(third, "again");
  });

  test("blackhole stops bytes on live and new connections without closing them", async () => {
    const live = await client();
    live.socket.write("before");
    await expectEcho(live, "before");
    const receivedBefore = echo.received();
    const acceptedBefore = echo.accepted();

    proxy.blackhole(true);
    live.socket.write("during");
    const fresh = await client();
    fresh.socket.write("new");
    await quietWindow();

    expect(echo.received()).toBe(receivedBefore);
    expect(echo.accepted()).toBe(acceptedBefore);
    expect(live.text()).toBe("before");
    expect(fresh.text()).toBe("");
    expect(live.closed() || fresh.closed()).toBe(false);
    expect(proxy.connectionCount()).toBe(2);
  });

  test("after blackhole is lifted new connections work and blackholed ones stay dead until cut", async () => {
    const victim = await client();
    proxy.blackhole(true);
    proxy.blackhole(false);
    const fresh = await client();
    fresh.socket.write("alive");
    await expectEcho(fresh, "alive");
    victim.socket.write("lost");
    await quietWindow();
    expect(victim.text()).toBe("");
    expect(victim.closed()).toBe(false);
    expect(proxy.cutAll()).toBe(2);
  });

  test("stall holds bytes and delivers them when lifted", async () => {
    const stalled = await client();
    proxy.stall(true);
    stalled.socket.write("held");
    await quietWindow();
    expect(stalled.text()).toBe("");
    proxy.stall(false);
    await expectEcho(stalled, "held");
  });

  test("refuse resets new connections and leaves live ones alone", async () => {
    const live = await client();
    proxy.refuse(true);
    const refused = connect({ host: "127.0.0.1", port: proxy.port });
    const refusedError = await new Promise<Error | undefined>((resolve) => {
      let error: Error | undefined;
      refused.on("error", (cause) => (error = cause));
      refused.on("close", () => resolve(error));
    });
    expect(refusedError?.message).toMatch(/ECONNRESET/);
    live.socket.write("still");
    await expectEcho(live, "still");
    proxy.refuse(false);
    const accepted = await client();
    accepted.socket.write("back");
    await expectEcho(accepted, "back");
  });
});
