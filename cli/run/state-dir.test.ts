import { describe, expect, it } from "vitest";
import { krmStateDir, redisDataDir } from "./state-dir.js";

describe("krmStateDir", () => {
  it.each([
    [{ KRM_STATE_DIR: "/srv/krm" }, "/srv/krm"],
    [{ XDG_STATE_HOME: "/home/u/.state" }, "/home/u/.state/krm"],
    [{ XDG_STATE_HOME: "" }, "/home/u/.local/state/krm"],
    [{}, "/home/u/.local/state/krm"],
  ])("%j gives %s", (env, dir) => {
    expect(krmStateDir(env, "/home/u")).toBe(dir);
  });
});

describe("redisDataDir", () => {
  it("is one readable folder per API server URL", () => {
    const a = redisDataDir("/s", "https://10.0.0.1:6443");
    expect(a).toMatch(/^\/s\/redis\/10\.0\.0\.1_6443-[0-9a-f]{8}$/);
    expect(redisDataDir("/s", "https://10.0.0.1:6443")).toBe(a);
    expect(redisDataDir("/s", "https://10.0.0.2:6443")).not.toBe(a);
    expect(redisDataDir("/s", "https://h/a/../../etc")).toMatch(/^\/s\/redis\/h_a_.._.._etc-/);
  });
});
