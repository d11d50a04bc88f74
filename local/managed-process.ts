import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { open } from "node:fs/promises";

/** How long `stop` waits after SIGTERM before SIGKILL: servers here shut down in well under this. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
/** How much of the log `logTail` returns, enough to show a startup error. */
export const LOG_TAIL_BYTES = 8_000;

export interface ManagedProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr are appended here, so a failing test can show why a server died. */
  readonly logPath: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Own process group (node's `detached`): a terminal's Ctrl-C does not reach it. */
  readonly detached?: boolean;
}

/** Live children, killed if the test process exits without stopping them, so no server outlives its run. */
const liveChildren = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/**
 * A child server process whose output goes to a log file. `exited` is set once it is gone, so
 * readiness polls can fail fast instead of waiting out their deadline.
 */
export class ManagedProcess {
  readonly logPath: string;
  private readonly child: ChildProcess;
  private readonly exit: Promise<void>;
  private exitDescription: string | undefined;

  private constructor(options: ManagedProcessOptions) {
    this.logPath = options.logPath;
    const log = createWriteStream(options.logPath, { flags: "a" });
    this.child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: options.detached ?? false,
      stdio: ["ignore", "pipe", "pipe"],
    });
    liveChildren.add(this.child);
    this.child.stdout?.pipe(log, { end: false });
    this.child.stderr?.pipe(log, { end: false });
    this.exit = new Promise((resolve) => {
      this.child.on("error", (error) => {
        liveChildren.delete(this.child);
        this.exitDescription ??= `failed to start ${options.command}: ${error.message}`;
        log.end();
        resolve();
      });
      this.child.on("close", (code, signal) => {
        liveChildren.delete(this.child);
        this.exitDescription ??= `${options.command} exited (code ${code ?? "none"}, signal ${signal ?? "none"})`;
        log.end();
        resolve();
      });
    });
  }

  static start(options: ManagedProcessOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the process is gone, or undefined while it runs. */
  get exited(): string | undefined {
    return this.exitDescription;
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it has exited. */
  async stop(graceMs = DEFAULT_STOP_GRACE_MS): Promise<void> {
    if (this.exitDescription !== undefined) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    try {
      await this.exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills at once, as a crash would. */
  async kill(): Promise<void> {
    if (this.exitDescription !== undefined) return;
    this.child.kill("SIGKILL");
    await this.exit;
  }

  async waitForExit(): Promise<void> {
    await this.exit;
  }

  /** The end of the log, for error messages. */
  async logTail(bytes = LOG_TAIL_BYTES): Promise<string> {
    return readTail(this.logPath, bytes);
  }
}

export async function readTail(path: string, bytes: number): Promise<string> {
  const file = await open(path, "r").catch(() => undefined);
  if (file === undefined) return `(no log at ${path})`;
  try {
    const { size } = await file.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await file.read(buffer, 0, length, size - length);
    return `--- last ${length} bytes of ${path} ---\n${buffer.toString("utf8")}`;
  } finally {
    await file.close();
  }
}
