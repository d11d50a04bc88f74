import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "./loopback.js";

describe("isLoopbackHost", () => {
  it.each([
    ["localhost", true],
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["[::1]", true],
    ["0:0:0:0:0:0:0:1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["[::]", false],
    ["10.0.0.1", false],
    ["127.0.0.1.example.com", false],
    ["127.0.0.256", false],
    ["localhost.example.com", false],
    ["", false],
  ])("%j → %s", (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
