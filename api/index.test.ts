import { describe, expect, it } from "vitest";
import { BUILTIN_KINDS } from "../core/kinds.js";
import { silentLogger } from "../core/logger.js";
import { ApiConfigError, startApiServer } from "./index.js";

describe("startApiServer configuration", () => {
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
