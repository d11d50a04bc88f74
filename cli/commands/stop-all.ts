import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";

/** Stops parts in reverse start order; a part whose stop fails is logged and the rest still stop. */
export async function stopAll(parts: readonly RunningPart[], logger: Logger): Promise<void> {
  for (const part of [...parts].reverse()) {
    try {
      await part.stop();
    } catch (error) {
      logger.warn({ err: error, part: part.name }, "stop failed");
    }
  }
}
