import { pino, type Logger } from "pino";

export type { Logger };

/** pino JSON on stdout, as design.md §2 asks. `KRM_LOG_LEVEL` sets the level (default info). */
export function createLogger(name: string, level = process.env["KRM_LOG_LEVEL"] ?? "info"): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/** A logger that drops everything, for unit tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
