import { registerSecret, registerUrlSecrets } from "../core/redact.js";
import { FLAGS } from "./flags.js";
import type { FlagValues } from "./parse-flags.js";

/**
 * Registers the secrets among the parsed flags (those `FLAGS` marks `secret`) with
 * core/redact.ts, before anything is logged, so no log line or error message repeats them.
 */
export function registerFlagSecrets(values: FlagValues): void {
  for (const flag of FLAGS) {
    const value = values[flag.name];
    if (typeof value !== "string") continue;
    if (flag.secret === "value") registerSecret(value);
    if (flag.secret === "url") registerUrlSecrets(value);
  }
}
