import { readdir, readFile } from "node:fs/promises";
import { basename } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { CLOCK_TICKS_PER_SECOND } from "./process-stats.js";

/** One process's CPU over a short window when a repetition started: what else ran. */
export interface BusyProcess {
  readonly pid: number;
  /** Percent of one core over the window. */
  readonly cpuPercent: number;
  /** Its command line, shortened. */
  readonly command: string;
}

/** How long the machine is watched, and how many processes are kept. */
export const BUSY_WINDOW_MS = 2_000;
export const BUSY_PROCESSES = 5;
const COMMAND_CHARS = 80;

/** CPU ticks (user + system) of every process by pid, from /proc/<pid>/stat. */
async function ticksByPid(): Promise<Map<number, number>> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const ticks = new Map<number, number>();
  await Promise.all(
    pids.map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
      if (stat === undefined) return;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    }),
  );
  return ticks;
}

/** The program's name and its arguments, paths cut to their last two parts; kernel threads in brackets. */
async function commandOf(pid: number): Promise<string> {
  const args = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean);
  const text =
    args.length === 0
      ? `[${(await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "?")).trim()}]`
      : [basename(args[0] ?? ""), ...args.slice(1).map(shortPath)].join(" ");
  return text.length > COMMAND_CHARS ? `${text.slice(0, COMMAND_CHARS - 1)}…` : text;
}

function shortPath(arg: string): string {
  if (!arg.startsWith("/")) return arg;
  const parts = arg.split("/");
  return parts.length > 3 ? `…/${parts.slice(-2).join("/")}` : arg;
}

/**
 * The processes that used the most CPU over `windowMs`, measured (not `ps`'s lifetime average),
 * this bench process included, so the report can say what else ran when a repetition began.
 */
export async function busiestProcesses(
  windowMs = BUSY_WINDOW_MS,
  count = BUSY_PROCESSES,
): Promise<BusyProcess[]> {
  const before = await ticksByPid();
  const started = performance.now();
  await delay(windowMs);
  const after = await ticksByPid();
  const elapsedMs = performance.now() - started;
  const busy = [...after]
    .map(([pid, ticks]) => ({ pid, ticks: ticks - (before.get(pid) ?? ticks) }))
    .filter((entry) => entry.ticks > 0)
    .sort((a, b) => b.ticks - a.ticks)
    .slice(0, count);
  return Promise.all(
    busy.map(async ({ pid, ticks }) => ({
      pid,
      cpuPercent: Math.round(((ticks * 1000) / CLOCK_TICKS_PER_SECOND / elapsedMs) * 1000) / 10,
      command: await commandOf(pid),
    })),
  );
}
