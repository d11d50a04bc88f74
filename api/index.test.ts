import { describe, expect, it } from "vitest";
import { BUILTIN_KINDS } from "../core/kinds.js";
import { silentLogger } from "../core/logger.js";
import { ApiConfigError, isLoopbackHost, startApiServer } from "./index.js";

describe("startApiServer configuration", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["localhost", true],
    ["0.0.0.0", false],
    ["10.0.0.5", false],
  ])("%s is loopback: %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it("refuses auth=none on a non-loopback address unless forced", async () => {
    await expect(
      startApiServer({
        kinds: BUILTIN_KINDS,
        redisUrl: "redis://127.0.0.1:1",
        logger: silentLogger(),
        host: "0.0.0.0",
        port: 0,
        auth: { mode: "none" },
      }),
    ).rejects.toBeInstanceOf(ApiConfigError);
  });

  it("refuses auth=kubernetes without a kubeconfig", async () => {
    await expect(
      startApiServer({
        kinds: BUILTIN_KINDS,
        redisUrl: "redis://127.0.0.1:1",
        logger: silentLogger(),
        port: 0,
        auth: { mode: "kubernetes" },
      }),
    ).rejects.toBeInstanceOf(ApiConfigError);
  });
});
