import { pino, type DestinationStream, type Logger } from "pino";
import { build as prettyStream } from "pino-pretty";
import { redactSecrets } from "./redact.js";

export type { Logger };

/** json: one pino object per line (docs/architecture.md, "Logs", for log collectors); pretty: lines for a person. */
export type LogFormat = "json" | "pretty";

/**
 * pino on stdout, JSON by default (docs/architecture.md, "Logs"). The level comes from
 * `--log-level` (cli/flags.ts holds its default; cli/config.ts validates it). `pretty`
 * formats each entry as one readable line (pino-pretty, in-process and synchronous, so
 * nothing is lost when krm exits). Every line passes through `redactSecrets`
 * (core/redact.ts) on its way out, so no password or token reaches the logs, whichever
 * field or message carries it.
 */
export function createLogger(name: string, level: string, format: LogFormat = "json"): Logger {
  const options = { name, level, base: { pid: process.pid } };
  if (format === "json") return pino(options, redacting(pino.destination({ dest: 1, sync: true })));
  return pino(
    // An error shows as its message on the same line; the stack is for `--log-format json`.
    // (pino-pretty always puts pino's error key `err` on lines of its own, hence `error`.)
    { ...options, formatters: { log: errorAsMessage } },
    redacting(
      prettyStream({
        sync: true,
        singleLine: true,
        errorLikeObjectKeys: [],
        ignore: "pid,hostname,name",
        translateTime: "SYS:HH:MM:ss",
      }),
    ),
  );
}

function errorAsMessage(entry: Record<string, unknown>): Record<string, unknown> {
  if (!("err" in entry)) return entry;
  const { err, ...rest } = entry;
  const message = typeof err === "object" && err !== null && "message" in err ? err.message : err;
  return { ...rest, error: String(message) };
}

/** A destination that writes each line with its secrets replaced. */
export function redacting(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(redactSecrets(line)) };
}

/** A logger that drops everything, for unit tests. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
