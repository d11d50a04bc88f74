import { readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { sampleProcess } from "./process-stats.js";

/**
 * Where the machine's CPU went during one window (a read cell): each named process's share in
 * percent of one core, this bench process's own (its readers, the pod history and the answer
 * checks), and the whole machine's busy time from /proc/stat, so a reader can see what competed
 * with the side being measured on the machine's cores.
 */
export interface CpuShares {
  readonly cores: number;
  /** Busy time of all cores over the window, percent of one core (at most cores × 100). */
  readonly machinePercent: number;
  /** Percent of one core per process name; `bench` is this process. */
  readonly byProcess: Record<string, number>;
  /** machinePercent minus the named processes: everything else that ran (writer, etcd, Redis, …). */
  readonly otherPercent: number;
}

/** Busy and total ticks of all cores since boot, from the first line of /proc/stat. */
async function machineTicks(): Promise<{ busy: number; total: number } | undefined> {
  try {
    const line = (await readFile("/proc/stat", "utf8")).split("\n", 1)[0] ?? "";
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;

/** Starts a window: call the returned function at its end for the shares. */
export async function startCpuWindow(
  pids: Readonly<Record<string, number>>,
): Promise<() => Promise<CpuShares>> {
  const cores = cpus().length;
  const firstMachine = await machineTicks();
  const firstSelf = process.cpuUsage();
  const firstProcesses = new Map(
    await Promise.all(
      Object.entries(pids).map(async ([name, pid]) => [name, await sampleProcess(pid)] as const),
    ),
  );
  const started = performance.now();
  return async () => {
    const elapsedMs = Math.max(1, performance.now() - started);
    const percentOf = (cpuMs: number): number => round1((cpuMs / elapsedMs) * 100);
    const byProcess: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const first = firstProcesses.get(name);
      const last = await sampleProcess(pid);
      if (first !== undefined && last !== undefined) byProcess[name] = percentOf(last.cpuMs - first.cpuMs);
    }
    const self = process.cpuUsage(firstSelf);
    byProcess["bench"] = percentOf((self.user + self.system) / 1000);
    const lastMachine = await machineTicks();
    // Ticks of all cores: busy ticks over the window's ticks per core give percent of one core.
    const machinePercent =
      firstMachine !== undefined && lastMachine !== undefined && lastMachine.total > firstMachine.total
        ? round1(
            ((lastMachine.busy - firstMachine.busy) / (lastMachine.total - firstMachine.total)) * cores * 100,
          )
        : 0;
    const named = Object.values(byProcess).reduce((sum, value) => sum + value, 0);
    return { cores, machinePercent, byProcess, otherPercent: round1(Math.max(0, machinePercent - named)) };
  };
}
