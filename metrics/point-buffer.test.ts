import { describe, expect, it } from "vitest";
import { PointBuffer } from "./point-buffer.js";

const origin = (id: string) => ({ cursorKey: "krm:{pods}:metrics-cursor", stream: "events", id });

describe("PointBuffer", () => {
  it("hands out batches in order and removes them on release", () => {
    const buffer = new PointBuffer(10);
    for (const line of ["a", "b", "c"]) buffer.push(line);
    const batch = buffer.peek(2);
    expect(batch.lines).toEqual(["a", "b"]);
    buffer.release(batch);
    expect(buffer.peek(5).lines).toEqual(["c"]);
  });

  it("drops the oldest point when full, and counts it", () => {
    const buffer = new PointBuffer(2);
    for (const line of ["a", "b", "c"]) buffer.push(line);
    expect(buffer.peek(5).lines).toEqual(["b", "c"]);
    expect(buffer.dropped).toBe(1);
  });

  it("releasing a batch partly dropped meanwhile removes only what is left of it", () => {
    const buffer = new PointBuffer(3);
    for (const line of ["a", "b", "c"]) buffer.push(line);
    const batch = buffer.peek(3);
    buffer.push("d");
    buffer.release(batch);
    expect(buffer.peek(5).lines).toEqual(["d"]);
  });

  it("reports the last done entry per stream, for written and dropped points alike", () => {
    const buffer = new PointBuffer(2);
    buffer.push("a", origin("1-0"));
    buffer.push("sampled");
    buffer.push("b", origin("2-0"));
    expect(buffer.takeProgress()).toEqual([origin("1-0")]);
    buffer.release(buffer.peek(5));
    expect(buffer.takeProgress()).toEqual([origin("2-0")]);
    expect(buffer.takeProgress()).toEqual([]);
  });

  it("calls onFill when the wake threshold is reached", () => {
    const buffer = new PointBuffer(10, 2);
    let fills = 0;
    buffer.onFill = () => (fills += 1);
    buffer.push("a");
    buffer.push("b");
    expect(fills).toBe(1);
  });

  it("keeps working across compaction", () => {
    const buffer = new PointBuffer(100);
    for (let i = 0; i < 10_000; i++) {
      buffer.push(String(i));
      if (i % 7 === 0) buffer.release(buffer.peek(5));
    }
    const rest = buffer.peek(1000).lines;
    expect(rest.at(-1)).toBe("9999");
    expect(rest.length).toBe(buffer.size);
  });
});
