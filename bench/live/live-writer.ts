import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ManagedProcess } from "../../local/managed-process.js";
import type { WriterResult } from "../freshness/writer.js";

/** Grace for the writer to finish its in-flight writes and report. */
const STOP_GRACE_MS = 30_000;

export interface LiveWriter {
  readonly pid: number | undefined;
  /** Stops writing; the writer's own account of what it wrote. */
  stop(): Promise<WriterResult>;
}

/**
 * Starts the writer that keeps the population changing during the live read cells: creates,
 * deletes of its own pods and updates of population pods in every population namespace, at
 * `writesPerSecond`, as the admin of `kubeconfigPath`. It runs in its own process.
 */
export function startLiveWriter(options: {
  readonly kubeconfigPath: string;
  readonly writesPerSecond: number;
  readonly pods: number;
  readonly workDir: string;
  readonly name: string;
}): LiveWriter {
  const resultFile = join(options.workDir, `${options.name}.json`);
  const child = ManagedProcess.start({
    command: process.execPath,
    args: [
      fileURLToPath(new URL("./live-writer-main.js", import.meta.url)),
      options.kubeconfigPath,
      String(options.writesPerSecond),
      String(options.pods),
      resultFile,
    ],
    logPath: join(options.workDir, `${options.name}.log`),
  });
  return {
    pid: child.pid,
    stop: async () => {
      await child.stop(STOP_GRACE_MS);
      const text = await readFile(resultFile, "utf8").catch(() => {
        throw new Error(
          `live writer left no result (${child.exited ?? "still running"}); see ${child.logPath}`,
        );
      });
      return JSON.parse(text) as WriterResult;
    },
  };
}
