// What a standalone bench (`bench:capacity`, `bench:capacity-freshness`) records beside its
// figures, and where its raw JSON goes: bench/results/<start time>-<commit>-<name>.json.
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { busiestProcesses, type BusyProcess } from "./busiest-processes.js";
import { machineInfo, type MachineInfo } from "./machine.js";

export interface RunFacts extends MachineInfo {
  /** `git rev-parse HEAD`: the commit measured (meaningful when `dirty` is false). */
  readonly commitFull: string;
  readonly command: string;
  readonly startedAt: string;
  /** What else used the CPU as the run began (bench/busiest-processes.ts). */
  readonly busiestAtStart: readonly BusyProcess[];
}

/**
 * A result file's name, one rule for every bench: start time to the minute (UTC, no colons),
 * commit, what ran; e.g. `2026-12-03T0816-62a304a-10k-memory.json`.
 */
export function resultFileName(startedAt: Date, commit: string, name: string): string {
  return `${startedAt.toISOString().slice(0, 16).replace(/:/g, "")}-${commit}-${name}.json`;
}

export async function runFacts(command: string): Promise<RunFacts> {
  let commitFull = "unknown";
  try {
    commitFull = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    // not a git checkout: the figures are still written, without a commit
  }
  const startedAt = new Date().toISOString();
  return { ...machineInfo(), commitFull, command, startedAt, busiestAtStart: await busiestProcesses() };
}

/** The 1-, 5- and 15-minute load averages, two decimals. */
export function loadAverage(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}

/** Writes the raw JSON and returns its path. */
export async function saveResult(facts: RunFacts, name: string, result: object): Promise<string> {
  const dir = resolve("bench", "results");
  await mkdir(dir, { recursive: true });
  const path = join(dir, resultFileName(new Date(facts.startedAt), facts.commit, name));
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
