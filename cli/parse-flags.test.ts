import { describe, expect, it } from "vitest";
import { FLAGS, SUBCOMMANDS } from "./flags.js";
import { parseFlags } from "./parse-flags.js";
import { UsageError } from "./usage-error.js";

describe("parseFlags", () => {
  it("applies defaults when neither flag nor environment is set", () => {
    const { values, given } = parseFlags("run", [], {});
    // No default: `run` starts a private redis-server, the parts fall back in config.ts.
    expect(values["redis-url"]).toBeUndefined();
    expect(values["verify-interval"]).toBe("30s");
    expect(values["allow-insecure-no-auth"]).toBe(false);
    expect(given.size).toBe(0);
  });

  it("prefers the flag over its environment twin, and the twin over the default", () => {
    const env = { REDIS_URL: "redis://env:1", KRM_PORT: "9000" };
    const { values, given } = parseFlags("api", ["--redis-url", "redis://flag:2"], env);
    expect(values["redis-url"]).toBe("redis://flag:2");
    expect(values["port"]).toBe("9000");
    expect([...given].sort()).toEqual(["port", "redis-url"]);
  });

  it("reads boolean environment twins", () => {
    expect(
      parseFlags("api", [], { KRM_ALLOW_INSECURE_NO_AUTH: "true" }).values["allow-insecure-no-auth"],
    ).toBe(true);
    expect(() => parseFlags("api", [], { KRM_ALLOW_INSECURE_NO_AUTH: "maybe" })).toThrow(UsageError);
  });

  it.each([
    ["an unknown flag", "run", ["--nope"]],
    ["a flag of another command", "aggregator", ["--port", "1"]],
    ["a stray argument", "api", ["extra"]],
    ["a string flag without value", "streamer", ["--kind"]],
  ] as const)("rejects %s", (_case, command, argv) => {
    expect(() => parseFlags(command, argv, {})).toThrow(UsageError);
  });

  it("gives every flag but --help an environment twin", () => {
    expect(FLAGS.filter((f) => f.env === undefined).map((f) => f.name)).toEqual(["help"]);
  });

  it("offers --help on every command", () => {
    for (const command of SUBCOMMANDS) expect(parseFlags(command, ["--help"], {}).values["help"]).toBe(true);
  });
});
