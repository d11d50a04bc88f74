/**
 * A configuration file (tokens, policy) parsed at start and re-read when its content
 * changes, so a rotated Secret takes effect without a restart. Polled, because a Secret
 * volume swaps a symlinked directory that file watches do not follow. A file that no longer
 * parses is reported and the previous content stays in force.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Logger } from "../../core/logger.js";

/** How often the files are checked. */
export const FILE_RELOAD_INTERVAL_MS = 10_000;

export interface ReloadingFile<T> {
  current(): T;
  stop(): void;
}

export function reloadingFile<T>(
  path: string,
  parse: (text: string) => T,
  options: { readonly logger?: Logger; readonly intervalMs?: number } = {},
): ReloadingFile<T> {
  let text = readFileSync(path, "utf8");
  let value = parse(text);
  let checking = false;
  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const next = await readFile(path, "utf8");
      if (next === text) return;
      value = parse(next);
      text = next;
      options.logger?.info({ path }, "file reloaded");
    } catch (error) {
      options.logger?.warn({ err: error, path }, "file not reloaded; the previous content stays in force");
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? FILE_RELOAD_INTERVAL_MS);
  timer.unref();
  return { current: () => value, stop: () => clearInterval(timer) };
}
