import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ManagedProcess } from "../../local/managed-process.js";

/** The built CLI, as `bin/krm` runs it (the integration project runs after `npm run build`). */
export const KRM_MAIN = resolve(import.meta.dirname, "../../dist/cli/main.js");

/** One `krm` process whose stdout and stderr go to a log file the test reads. */
export interface KrmProcess {
  readonly process: ManagedProcess;
  /** When the process was spawned (ms since the epoch). */
  readonly startedAt: number;
  /** Everything it printed so far. */
  output(): Promise<string>;
  /** The pino JSON lines it printed so far (other lines skipped). */
  logLines(): Promise<LogLine[]>;
  /** Stops it and removes its log folder. */
  stop(): Promise<void>;
}

export interface LogLine {
  readonly level: number;
  readonly time: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** pino's number for `error`. */
export const ERROR_LEVEL = 50;

export async function startKrm(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<KrmProcess> {
  const dir = await mkdtemp(join(tmpdir(), "krm-security-"));
  const logPath = join(dir, "krm.log");
  const startedAt = Date.now();
  const process = ManagedProcess.start({
    command: globalThis.process.execPath,
    args: [KRM_MAIN, ...args],
    logPath,
    // Only what is given: nothing of the test runner's environment leaks into the run.
    env: { PATH: globalThis.process.env["PATH"] ?? "", HOME: dir, ...env },
  });
  const output = (): Promise<string> => readFile(logPath, "utf8").catch(() => "");
  return {
    process,
    startedAt,
    output,
    logLines: async () => (await output()).split("\n").flatMap(parseLogLine),
    stop: async () => {
      await process.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function parseLogLine(line: string): LogLine[] {
  if (!line.startsWith("{")) return [];
  try {
    const parsed = JSON.parse(line) as Partial<LogLine>;
    return typeof parsed.level === "number" &&
      typeof parsed.time === "number" &&
      typeof parsed.msg === "string"
      ? [parsed as LogLine]
      : [];
  } catch {
    return [];
  }
}
