import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The built CLI, as `bin/krm` runs it (npm test builds first). */
const MAIN = resolve(import.meta.dirname, "../../dist/cli/main.js");

function krm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: "utf8",
    timeout: 20_000,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("krm command line", () => {
  it("is built", () => {
    expect(existsSync(MAIN)).toBe(true);
  });

  it.each([
    ["an unknown subcommand", ["frobnicate"], /unknown command "frobnicate"/],
    ["an unknown flag", ["api", "--frobnicate"], /Unknown option '--frobnicate'/],
    ["an unknown kind", ["streamer", "--kind", "gizmos"], /unknown kind "gizmos"/],
    ["a missing --kind", ["aggregator"], /--kind is required/],
    ["a bad duration", ["verifier", "--kind", "pods", "--verify-interval", "often"], /invalid duration/],
    ["auth none on a public address", ["api", "--host", "0.0.0.0"], /without authentication/],
    ["metrics without InfluxDB", ["metrics"], /needs --influx-url/],
    ["a bad log level", ["api", "--log-level", "nope"], /--log-level=nope: expected one of trace/],
    [
      "a bad log level of a per-kind part",
      ["streamer", "--kind", "pods", "--log-level", "loud"],
      /--log-level=loud/,
    ],
    ["a bad log level of run", ["run", "--log-level", "verbose"], /--log-level=verbose/],
  ])("exits 2 with a one-line message on %s", (_case, args, message) => {
    const result = krm(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("prints help for the tool and for each command", () => {
    const main = krm("--help");
    expect(main.status).toBe(0);
    expect(main.stdout).toMatch(/Commands:[\s\S]*aggregator/);
    const api = krm("api", "--help");
    expect(api.status).toBe(0);
    expect(api.stdout).toMatch(/--redis-url <value>[\s\S]*\[env REDIS_URL\]/);
  });

  it("reads a kind from its environment twin", () => {
    const result = spawnSync(process.execPath, [MAIN, "streamer"], {
      encoding: "utf8",
      timeout: 20_000,
      env: { PATH: process.env["PATH"] ?? "", HOME: "/nonexistent", KRM_KIND: "gizmos" },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown kind "gizmos"/);
  });
});
