import { parseArgs } from "node:util";
import { flagsFor, type Subcommand } from "./flags.js";
import { UsageError } from "./usage-error.js";

/** Flag values after defaults and environment twins: strings for string flags, booleans for switches. */
export type FlagValues = Readonly<Record<string, string | boolean | undefined>>;

export interface ParsedFlags {
  readonly values: FlagValues;
  /** Flags set on the command line or through their environment twin (not defaulted). */
  readonly given: ReadonlySet<string>;
}

/**
 * Parses a subcommand's arguments. Precedence: flag, then its environment variable, then
 * the default. Unknown flags and stray positional arguments are usage errors.
 */
export function parseFlags(
  command: Subcommand,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): ParsedFlags {
  const specs = flagsFor(command);
  const options = Object.fromEntries(
    specs.map(
      (spec) =>
        [spec.name, { type: spec.type, ...(spec.short !== undefined ? { short: spec.short } : {}) }] as const,
    ),
  );
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; strict: true; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node appends advice about '--' positionals that does not apply to krm; keep the first sentence.
    const firstSentence = message.split("\n")[0]?.split(". To specify")[0] ?? message;
    throw new UsageError(`${firstSentence} (see 'krm ${command} --help')`);
  }
  if (parsed.positionals.length > 0) {
    throw new UsageError(
      `unexpected argument "${parsed.positionals[0] ?? ""}" (see 'krm ${command} --help')`,
    );
  }
  const values: Record<string, string | boolean | undefined> = {};
  const given = new Set<string>();
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  for (const spec of specs) {
    const fromFlag = flags[spec.name];
    const fromEnv = spec.env === undefined ? undefined : env[spec.env];
    if (fromFlag !== undefined) {
      values[spec.name] = fromFlag;
      given.add(spec.name);
    } else if (fromEnv !== undefined && fromEnv !== "") {
      values[spec.name] = spec.type === "boolean" ? parseBooleanEnv(spec.env ?? "", fromEnv) : fromEnv;
      given.add(spec.name);
    } else {
      values[spec.name] = spec.type === "boolean" ? false : spec.default;
    }
  }
  return { values, given };
}

function parseBooleanEnv(name: string, text: string): boolean {
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new UsageError(`${name}=${text}: expected true or false`);
}
