import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REDIS_PID_FILE } from "../../cli/private-redis.js";
import { krmStateDir } from "../../cli/run/state-dir.js";

/** `krm run` as a user starts it (bin/krm, so the built dist/), for the tests in test/cli/. */
export const KRM = resolve(import.meta.dirname, "../../bin/krm");

export interface KrmRun {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => { stdout: string; stderr: string };
  readonly exited: Promise<number | null>;
}

/** Starts `krm run <args>` with only PATH and HOME set (an empty home: no ~/.kube/config, no state). */
export function startKrmRun(args: readonly string[], home: string): KrmRun {
  const child = spawn(KRM, ["run", ...args], {
    env: { PATH: process.env["PATH"] ?? "", HOME: home },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** The pids of the processes `pid` started that are still running. */
export function childPids(pid: number): number[] {
  const out = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout;
  return out
    .split("\n")
    .filter((line) => line !== "")
    .map(Number);
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pid in the private redis-server's pid file of a `krm run` whose HOME is `home` (one
 * cluster, so one data folder under the state folder), or undefined while there is none (or
 * it is still being written).
 */
export function privateRedisPid(home: string): number | undefined {
  const root = join(krmStateDir({}, home), "redis");
  const [folder] = existsSync(root) ? readdirSync(root) : [];
  const path = join(root, folder ?? "", REDIS_PID_FILE);
  if (folder === undefined || !existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
