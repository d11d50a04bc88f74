import { describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger.js";
import { Flusher } from "./flusher.js";
import { InfluxWriteError, type InfluxWriter } from "./influx-writer.js";
import { PointBuffer, type PointOrigin } from "./point-buffer.js";

class FakeWriter implements InfluxWriter {
  readonly api = "fake";
  readonly batches: string[][] = [];
  failWith: InfluxWriteError | undefined;
  write(lines: readonly string[]): Promise<void> {
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    this.batches.push([...lines]);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function setup(capacity = 10) {
  const buffer = new PointBuffer(capacity);
  const writer = new FakeWriter();
  const commits: PointOrigin[][] = [];
  const flusher = new Flusher({
    buffer,
    writer,
    logger: silentLogger(),
    batchSize: 2,
    flushIntervalMs: 1000,
    commitProgress: (origins) => {
      commits.push([...origins]);
      return Promise.resolve();
    },
  });
  return { buffer, writer, commits, flusher };
}

const origin = (id: string) => ({ cursorKey: "c", stream: "events", id });

describe("Flusher", () => {
  it("writes the oldest batch and commits the cursor of what it wrote", async () => {
    const { buffer, writer, commits, flusher } = setup();
    buffer.push("a", origin("1-0"));
    buffer.push("b", origin("2-0"));
    buffer.push("c", origin("3-0"));
    expect(await flusher.flushOnce()).toBe("written");
    expect(writer.batches).toEqual([["a", "b"]]);
    expect(commits).toEqual([[origin("2-0")]]);
    expect(flusher.written).toBe(2);
  });

  it("keeps the batch on a retriable failure and writes it once InfluxDB is back", async () => {
    const { buffer, writer, commits, flusher } = setup();
    buffer.push("a", origin("1-0"));
    writer.failWith = new InfluxWriteError("down", true);
    expect(await flusher.flushOnce()).toBe("failed");
    expect(buffer.size).toBe(1);
    expect(commits).toEqual([]);
    writer.failWith = undefined;
    expect(await flusher.flushOnce()).toBe("written");
    expect(writer.batches).toEqual([["a"]]);
    expect(flusher.writeErrors).toBe(1);
  });

  it("drops a batch InfluxDB refuses as invalid, counting it as rejected", async () => {
    const { buffer, writer, flusher } = setup();
    buffer.push("bad");
    writer.failWith = new InfluxWriteError("400 field type conflict", false);
    expect(await flusher.flushOnce()).toBe("rejected");
    expect(buffer.size).toBe(0);
    expect(flusher.rejected).toBe(1);
  });

  it("while InfluxDB is down, pushes never block and overflow is dropped and committed", async () => {
    const { buffer, writer, commits, flusher } = setup(3);
    writer.failWith = new InfluxWriteError("down", true);
    for (let i = 1; i <= 5; i++) buffer.push(`p${i}`, origin(`${i}-0`));
    expect(buffer.dropped).toBe(2);
    await flusher.flushOnce();
    expect(commits).toEqual([[origin("2-0")]]);
    writer.failWith = undefined;
    await flusher.flushOnce();
    expect(writer.batches).toEqual([["p3", "p4"]]);
  });

  it("runs batches on its own and flushes what is left on stop", async () => {
    const { buffer, writer, flusher } = setup();
    flusher.start();
    buffer.push("a");
    buffer.push("b");
    buffer.push("c");
    await flusher.stop();
    expect(writer.batches.flat()).toEqual(["a", "b", "c"]);
  });
});
