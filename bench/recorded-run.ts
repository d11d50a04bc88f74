// What a standalone bench (`bench:capacity`, `bench:capacity-freshness`) records beside its
// figures, and where its raw JSON goes: bench/results/<date>-<commit>-<name>.json.
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { machineInfo, type MachineInfo } from "./machine.js";

export interface RunFacts extends MachineInfo {
  /** `git rev-parse HEAD`: the commit measured (meaningful when `dirty` is false). */
  readonly commitFull: string;
  readonly command: string;
  readonly startedAt: string;
}

export function runFacts(command: string): RunFacts {
  let commitFull = "unknown";
  try {
    commitFull = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    // not a git checkout: the figures are still written, without a commit
  }
  return { ...machineInfo(), commitFull, command, startedAt: new Date().toISOString() };
}

/** The 1-, 5- and 15-minute load averages, two decimals. */
export function loadAverage(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}

/** Writes the raw JSON and returns its path. */
export async function saveResult(facts: RunFacts, name: string, result: object): Promise<string> {
  const dir = resolve("bench", "results");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${facts.startedAt.slice(0, 10)}-${facts.commit}-${name}.json`);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
