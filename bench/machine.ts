import { execFileSync } from "node:child_process";
import { cpus, freemem, loadavg, totalmem } from "node:os";

/** Where and on what the figures were measured, recorded with every result. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly freeMemoryBytesAtStart: number;
  readonly loadAverageAtStart: readonly number[];
  readonly node: string;
  readonly commit: string;
  /** True when the working tree had uncommitted changes; the run refuses them unless --allow-dirty. */
  readonly dirty: boolean;
  /**
   * `ps`'s top CPU users (lifetime averages), in results written before each repetition
   * recorded its measured `busiestAtStart`.
   */
  readonly topProcesses?: readonly string[];
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

const git = (args: string[]): string => run("git", args);

/** The 1-minute load average, two decimals. */
export function oneMinuteLoad(): number {
  return loadAverages()[0] ?? 0;
}

/** The 1-, 5- and 15-minute load averages, two decimals. */
export function loadAverages(): number[] {
  return loadavg().map((v) => Math.round(v * 100) / 100);
}

export function machineInfo(): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryBytes: totalmem(),
    freeMemoryBytesAtStart: freemem(),
    loadAverageAtStart: loadAverages(),
    node: process.version,
    commit: git(["rev-parse", "--short", "HEAD"]),
    dirty: git(["status", "--porcelain", "--untracked-files=no"]) !== "",
  };
}
