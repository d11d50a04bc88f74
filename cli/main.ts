import { createLogger, type Logger } from "../core/logger.js";
import { redactSecrets } from "../core/redact.js";
import type { RunningPart } from "../core/running-part.js";
import { healthPort, logLevel } from "./config.js";
import { SUBCOMMANDS, type Subcommand } from "./flags.js";
import { startHealthServer } from "./health-server.js";
import { commandHelp, mainHelp } from "./help.js";
import { logFormat } from "./log-format.js";
import { parseFlags, type ParsedFlags } from "./parse-flags.js";
import { registerFlagSecrets } from "./register-secrets.js";
import { StartupError } from "./startup-error.js";
import { runUntilStopSignal } from "./stop-signals.js";
import { USAGE_EXIT_CODE, UsageError } from "./usage-error.js";

type Command = (
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  signal: AbortSignal,
) => Promise<RunningPart[]>;

/**
 * Each command's module is imported when that command runs, so a process loads only what its
 * command needs: `krm api` never loads `@kubernetes/client-node`, which `krm run`'s local
 * cluster uses (docs/architecture.md, "Memory").
 */
const COMMANDS: Readonly<Record<Exclude<Subcommand, "status" | "report">, Command>> = {
  run: async (flags, env, logger, signal) =>
    (await import("./commands/run-command.js")).runCommand(flags, env, logger, signal),
  streamer: async (flags, env, logger) =>
    (await import("./commands/per-kind-commands.js")).streamerCommand(flags.values, env, logger),
  verifier: async (flags, env, logger) =>
    (await import("./commands/per-kind-commands.js")).verifierCommand(flags.values, env, logger),
  aggregator: async (flags, env, logger) =>
    (await import("./commands/per-kind-commands.js")).aggregatorCommand(flags.values, env, logger),
  api: async (flags, env, logger) =>
    (await import("./commands/api-command.js")).apiCommand(flags.values, env, logger),
  metrics: async (flags, env, logger) =>
    (await import("./commands/metrics-command.js")).metricsCommand(flags.values, env, logger),
  ledger: async (flags, _env, logger) =>
    (await import("./commands/ledger-command.js")).ledgerCommand(flags.values, logger),
};

/** Exit code after printing help (after a stop signal: cli/stop-signals.ts). */
const EXIT_OK = 0;
/** Exit code when startup fails for a reason other than usage. */
const EXIT_STARTUP_FAILED = 1;

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${mainHelp()}\n`);
    return name === undefined ? USAGE_EXIT_CODE : EXIT_OK;
  }
  if (!isSubcommand(name)) {
    throw new UsageError(
      `unknown command "${name}"; commands are ${SUBCOMMANDS.join(", ")} (see 'krm --help')`,
    );
  }
  // `krm report <usage|rightsizing>`: the report's name is the one positional argument.
  const report = name === "report" && rest[0] !== undefined && !rest[0].startsWith("-") ? rest[0] : undefined;
  const flags = parseFlags(name, report === undefined ? rest : rest.slice(1), env);
  registerFlagSecrets(flags.values);
  if (flags.values["help"] === true) {
    process.stdout.write(`${commandHelp(name)}\n`);
    return EXIT_OK;
  }
  const print = (text: string): boolean => process.stdout.write(text);
  if (name === "status")
    return (await import("./commands/status-command.js")).statusCommand(flags.values, print);
  if (name === "report") {
    return (await import("./commands/report-command.js")).reportCommand(report, flags.values, print);
  }
  const logger = createLogger(
    "krm",
    logLevel(flags.values),
    logFormat(flags.values["log-format"], process.stdout.isTTY === true),
  );
  const health = name === "run" || name === "api" ? 0 : healthPort(flags.values);
  return runUntilStopSignal(logger, async (signal) => {
    const parts = await COMMANDS[name](flags, env, logger, signal);
    if (health !== 0) {
      const server = await startHealthServer(health, "0.0.0.0", parts);
      server.setReady(true);
      parts.unshift(server);
    }
    return parts;
  });
}

function isSubcommand(name: string): name is Subcommand {
  return (SUBCOMMANDS as readonly string[]).includes(name);
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`krm: ${redactSecrets(error.message)}\n`);
      process.exit(USAGE_EXIT_CODE);
    }
    if (error instanceof StartupError) {
      process.stderr.write(`krm: ${redactSecrets(error.message)}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(
      `krm: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`,
    );
    process.exit(EXIT_STARTUP_FAILED);
  },
);
