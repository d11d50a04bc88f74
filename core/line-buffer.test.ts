import { describe, expect, it } from "vitest";
import { LineBuffer } from "./line-buffer.js";

describe("LineBuffer", () => {
  it("yields each line once its newline arrives, however the chunks fall", () => {
    const buffer = new LineBuffer();
    expect(buffer.push('{"a":')).toEqual([]);
    expect(buffer.push('1}\n{"b"')).toEqual(['{"a":1}']);
    expect(buffer.push(":2}\n\n")).toEqual(['{"b":2}']);
    expect(buffer.push('{"c":3}\n{"d":4}\n{"e"')).toEqual(['{"c":3}', '{"d":4}']);
    expect(buffer.end()).toEqual(['{"e"']);
    expect(buffer.end()).toEqual([]);
  });

  it("trims carriage returns and blanks, and skips empty lines", () => {
    const buffer = new LineBuffer();
    expect(buffer.push("  one \r\n\r\n   \ntwo")).toEqual(["one"]);
    expect(buffer.push("\n")).toEqual(["two"]);
    expect(buffer.end()).toEqual([]);
  });

  it("gives a stream without any newline as one line at its end", () => {
    const buffer = new LineBuffer();
    for (const chunk of ["a", "b", "c"]) expect(buffer.push(chunk)).toEqual([]);
    expect(buffer.end()).toEqual(["abc"]);
  });
});
