/** Runs one krm part as its own process through the built CLI, so a test can SIGKILL it. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ManagedProcess } from "../../local/managed-process.js";

export const CLI_PATH = resolve("dist", "cli", "main.js");

/** Why the built CLI cannot run (not built, or fails to start), or undefined when it can. */
export function cliUnavailableReason(): string | undefined {
  if (!existsSync(CLI_PATH)) return `${CLI_PATH} is not built (npm run build)`;
  const probe = spawnSync(process.execPath, [CLI_PATH, "aggregator", "--help"], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (probe.status !== 0)
    return `krm aggregator --help failed: ${(probe.stderr || probe.stdout).split("\n").slice(0, 3).join(" ")}`;
  return undefined;
}

export interface KrmProcessOptions {
  readonly part: "streamer" | "verifier" | "aggregator" | "api";
  /** The one kind of a streamer, verifier or aggregator; `api` takes `--kinds` in {@link extraArgs}. */
  readonly kind?: string;
  /** For the streamer and verifier; the aggregator talks only to Redis. */
  readonly kubeconfigPath?: string;
  readonly redisUrl: string;
  readonly logPath: string;
  /** Further flags, e.g. `--port` of `krm api`. */
  readonly extraArgs?: readonly string[];
}

export function startKrmProcess(options: KrmProcessOptions): ManagedProcess {
  return ManagedProcess.start({
    command: process.execPath,
    args: [
      CLI_PATH,
      options.part,
      ...(options.kind !== undefined ? ["--kind", options.kind] : []),
      ...(options.kubeconfigPath !== undefined ? ["--kubeconfig", options.kubeconfigPath] : []),
      "--redis-url",
      options.redisUrl,
      ...(options.extraArgs ?? []),
    ],
    logPath: options.logPath,
    env: { ...process.env, KRM_LOG_LEVEL: "info" },
  });
}
