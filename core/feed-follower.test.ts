import { EventEmitter } from "node:events";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { FEED_RETRY_CAP_MS, FEED_RETRY_INITIAL_MS, FeedFollower, type FeedStep } from "./feed-follower.js";
import type { RedisConnection } from "./redis-connection.js";

interface FakeConnection {
  readonly name: string;
  disconnected: boolean;
}

/**
 * A follower over fake connections and a sleep that records its waits and returns at once.
 * The step gets `end`, which stops the follower from inside; `ended` resolves once it stopped.
 */
function harness(script: (end: () => void, signal: AbortSignal) => ReturnType<FeedStep>) {
  let resolveEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
  const end = (): void => void follower.stop().then(resolveEnded);
  const connections: FakeConnection[] = [];
  const waits: number[] = [];
  const logLines: { msg: string; kind?: string }[] = [];
  const logger = pino(
    { level: "warn" },
    { write: (line: string) => logLines.push(JSON.parse(line) as { msg: string; kind?: string }) },
  );
  const follower = new FeedFollower({
    redisUrl: "redis://unused",
    names: { command: "cmd", blocking: "blk" },
    logger: logger.child({ kind: "pods" }),
    what: "test feed",
    step: (signal) => script(end, signal),
    idleMs: 750,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    connect: (_url, name) => {
      const connection = Object.assign(new EventEmitter(), {
        name,
        disconnected: false,
        disconnect() {
          connection.disconnected = true;
        },
      });
      connections.push(connection);
      return connection as unknown as RedisConnection;
    },
  });
  return { follower, connections, waits, logLines, ended };
}

describe("FeedFollower", () => {
  it("opens a command and a blocking connection by name, and an error event on them is handled", () => {
    const { follower, connections } = harness(() => Promise.resolve("followed"));
    expect(connections.map((c) => c.name)).toEqual(["cmd", "blk"]);
    // An EventEmitter throws on an "error" event nobody listens to.
    expect(() => follower.command.emit("error", new Error("ECONNREFUSED"))).not.toThrow();
    expect(() => follower.blocking.emit("error", new Error("ECONNREFUSED"))).not.toThrow();
  });

  it("runs the step until stop, once however often start is called; stop disconnects both", async () => {
    let rounds = 0;
    let signalSeen: AbortSignal | undefined;
    const { follower, connections, waits, ended } = harness((end, signal) => {
      signalSeen = signal;
      rounds++;
      if (rounds === 5) end();
      return Promise.resolve("followed");
    });
    follower.start();
    follower.start();
    await ended;
    expect(rounds).toBe(5);
    expect(waits).toEqual([]);
    expect(signalSeen?.aborted).toBe(true);
    expect(follower.signal.aborted).toBe(true);
    expect(connections.map((c) => c.disconnected)).toEqual([true, true]);
  });

  it("waits idleMs after an idle step", async () => {
    const results: ("idle" | "followed")[] = ["idle", "idle", "followed"];
    const { follower, waits, ended } = harness((end) => {
      const next = results.shift();
      if (next === undefined) end();
      return Promise.resolve(next ?? "followed");
    });
    follower.start();
    await ended;
    expect(waits).toEqual([750, 750]);
  });

  it("logs a failed step and retries after a growing, capped backoff that a success resets", async () => {
    const script = ["fail", "fail", "fail", "fail", "fail", "fail", "fail", "ok", "fail"];
    const { follower, waits, logLines, ended } = harness((end) => {
      const next = script.shift();
      if (next === undefined) end();
      if (next === "fail") return Promise.reject(new Error("READONLY"));
      return Promise.resolve("followed");
    });
    follower.start();
    await ended;
    expect(waits).toHaveLength(8);
    // Jittered: each delay lies between its base and twice it, never above the cap.
    const bases = [200, 400, 800, 1600, 3200, 5000, 5000];
    for (const [i, base] of bases.entries()) {
      expect(waits[i]).toBeGreaterThanOrEqual(Math.min(base, FEED_RETRY_CAP_MS));
      expect(waits[i]).toBeLessThanOrEqual(Math.min(2 * base, FEED_RETRY_CAP_MS));
    }
    // After the success, the next failure starts over from the initial delay.
    expect(waits[7]).toBeLessThanOrEqual(2 * FEED_RETRY_INITIAL_MS);
    expect(logLines).toHaveLength(8);
    expect(logLines[0]).toMatchObject({ msg: "test feed failed; retrying", kind: "pods" });
  });

  it("a step failing because stop disconnected it is not logged", async () => {
    const { follower, waits, logLines, ended } = harness((end) => {
      end();
      return Promise.reject(new Error("Connection is closed."));
    });
    follower.start();
    await ended;
    expect(waits).toEqual([]);
    expect(logLines).toEqual([]);
  });
});
