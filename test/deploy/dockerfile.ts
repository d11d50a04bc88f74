/** Just enough of a Dockerfile parser to lint the structure of ours (see dockerfile.test.ts). */

export interface Instruction {
  /** Upper-cased: FROM, RUN, COPY, … */
  readonly keyword: string;
  /** The rest of the line, continuations joined. */
  readonly args: string;
}

export interface Stage {
  /** Base image with build arguments substituted from their defaults. */
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Instructions in order: comments dropped, `\`-continued lines joined. */
export function parseInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (pending === "" && (line === "" || line.startsWith("#"))) continue;
    if (line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`);
    pending = "";
  }
  if (pending !== "") logical.push(pending.trim());
  return logical.map((line) => {
    const space = line.search(/\s/);
    return space < 0
      ? { keyword: line.toUpperCase(), args: "" }
      : { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space).trim() };
  });
}

/** Build stages; ARGs declared before the first FROM are substituted into FROM lines. */
export function parseStages(text: string): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === "FROM") {
      const [image = "", as, name] = instruction.args.split(/\s+/);
      const substituted = image.replace(/\$\{?(\w+)\}?/g, (_match, arg: string) => globalArgs.get(arg) ?? "");
      stages.push({
        image: substituted,
        name: as?.toUpperCase() === "AS" ? name : undefined,
        instructions: [],
      });
    } else if (stages.length === 0 && instruction.keyword === "ARG") {
      const [key = "", value = ""] = instruction.args.split("=", 2);
      globalArgs.set(key, value);
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return stages;
}
