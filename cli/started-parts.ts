import type { Logger } from "../core/logger.js";
import type { RunningPart } from "../core/running-part.js";
import { stopAll } from "./commands/stop-all.js";

/**
 * The parts a command has started so far, in start order, under the stop signal of
 * cli/stop-signals.ts. A command registers each part as soon as its start function returns
 * it; a start function stops what it started itself when it fails or is aborted. So when a
 * stop signal lands during startup, `add` (or the aborted wait) throws, and the command's
 * `catch` stops exactly what was registered before it rethrows: nothing krm started outlives it.
 */
export class StartedParts {
  private readonly parts: RunningPart[] = [];

  constructor(private readonly signal: AbortSignal) {}

  /**
   * Registers parts just started. Then throws the signal's reason if a stop signal came
   * meanwhile, so startup goes no further (the parts are registered first, so they are stopped).
   */
  add(...parts: RunningPart[]): void {
    this.parts.push(...parts);
    this.signal.throwIfAborted();
  }

  /** The parts in start order. */
  list(): RunningPart[] {
    return [...this.parts];
  }

  /** Stops every registered part, newest first. */
  stopAll(logger: Logger): Promise<void> {
    return stopAll(this.parts, logger);
  }
}
