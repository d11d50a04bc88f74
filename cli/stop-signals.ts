import type { Logger } from "../core/logger.js";
import type { RunningPart } from "../core/running-part.js";
import { stopAll } from "./commands/stop-all.js";

/** Exit code after a clean stop on a stop signal, whether it came during startup or after. */
const EXIT_STOPPED_BY_SIGNAL = 0;
/** Exit code when a second signal comes, or stopping takes longer than {@link SHUTDOWN_DEADLINE_MS}. */
const EXIT_STOP_FAILED = 1;
/** A second signal, or a stop that hangs this long, exits at once. */
const SHUTDOWN_DEADLINE_MS = 20_000;

/**
 * Ctrl-C, `kill`/a pod's termination, and a closed terminal (SIGHUP: stop like Ctrl-C; a
 * private redis-server has its own process group, so only krm gets the terminal's signals).
 */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The abort reason a start function sees when a stop signal lands while it runs. */
class StopSignalReceived extends Error {
  override readonly name = "StopSignalReceived";
  constructor(readonly signal: NodeJS.Signals) {
    super(`${signal} received while starting`);
  }
}

/**
 * Starts a command's parts and runs them until a stop signal, then stops them; resolves to the
 * exit code. The signals are handled from before `start` is called: a signal during startup
 * aborts the signal `start` is given (its waits end at once, StartedParts stops what it
 * registered, each start function stops what it began) and this resolves once `start` has
 * settled, so nothing krm started outlives it. A second signal, or a stop that takes longer
 * than {@link SHUTDOWN_DEADLINE_MS}, exits at once.
 */
export async function runUntilStopSignal(
  logger: Logger,
  start: (signal: AbortSignal) => Promise<RunningPart[]>,
): Promise<number> {
  const stop = new AbortController();
  let starting = true;
  const received = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stop.signal.aborted) {
        logger.warn({ signal }, "second signal: exiting now");
        process.exit(EXIT_STOP_FAILED);
      }
      logger.info(
        { signal },
        starting ? "shutting down while starting: stopping what has started so far" : "shutting down",
      );
      setTimeout(() => {
        logger.error("shutdown took too long: exiting");
        process.exit(EXIT_STOP_FAILED);
      }, SHUTDOWN_DEADLINE_MS).unref();
      stop.abort(new StopSignalReceived(signal));
      resolve();
    };
    for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  });

  let parts: RunningPart[];
  try {
    parts = await start(stop.signal);
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    logger.info("stopped before startup finished");
    return EXIT_STOPPED_BY_SIGNAL;
  }
  starting = false;
  await received;
  await stopAll(parts, logger);
  return EXIT_STOPPED_BY_SIGNAL;
}
