import { readFile } from "node:fs/promises";

/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessSample {
  readonly pid: number;
  /** User + system CPU time so far, ms. */
  readonly cpuMs: number;
  readonly rssBytes: number;
  /** When the sample was taken, `performance.now()` ms. */
  readonly at: number;
}

/** Reads /proc/<pid>/stat and /proc/<pid>/status; undefined once the process is gone. */
export async function sampleProcess(pid: number): Promise<ProcessSample | undefined> {
  try {
    const [stat, status] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile(`/proc/${pid}/status`, "utf8"),
    ]);
    // Fields after the parenthesised command name (which may hold spaces): utime is field 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
    return {
      pid,
      cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
      rssBytes: rssKb * 1024,
      at: performance.now(),
    };
  } catch {
    return undefined;
  }
}

export interface ProcessUsage {
  /** Average CPU over the window, percent of one core. */
  readonly cpuPercent: number | null;
  readonly cpuMs: number | null;
  readonly rssBytesEnd: number | null;
  readonly rssBytesPeak: number | null;
}

/** Samples a set of named processes every second over a window, for CPU and peak RSS. */
export class ProcessMonitor {
  private readonly first = new Map<string, ProcessSample>();
  private readonly last = new Map<string, ProcessSample>();
  private readonly peak = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: Readonly<Record<string, number>>) {}

  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), 1000);
  }

  async stop(): Promise<Record<string, ProcessUsage>> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.sample();
    const out: Record<string, ProcessUsage> = {};
    for (const name of Object.keys(this.pids)) {
      const first = this.first.get(name);
      const last = this.last.get(name);
      const cpuMs = first !== undefined && last !== undefined ? last.cpuMs - first.cpuMs : null;
      const windowMs = first !== undefined && last !== undefined ? last.at - first.at : 0;
      out[name] = {
        cpuMs,
        cpuPercent: cpuMs !== null && windowMs > 0 ? Math.round((cpuMs / windowMs) * 1000) / 10 : null,
        rssBytesEnd: last?.rssBytes ?? null,
        rssBytesPeak: this.peak.get(name) ?? null,
      };
    }
    return out;
  }

  private async sample(): Promise<void> {
    await Promise.all(
      Object.entries(this.pids).map(async ([name, pid]) => {
        const sample = await sampleProcess(pid);
        if (sample === undefined) return;
        if (!this.first.has(name)) this.first.set(name, sample);
        this.last.set(name, sample);
        this.peak.set(name, Math.max(this.peak.get(name) ?? 0, sample.rssBytes));
      }),
    );
  }
}

/** Memory of a process as the kernel counts it (/proc/<pid>/status), bytes. */
export interface MemoryStatus {
  readonly rssBytes: number;
  /** Highest RSS since the process started (VmHWM). */
  readonly peakRssBytes: number;
  /** Anonymous memory: the JS heap, buffers and native allocations, without mapped code. */
  readonly anonBytes: number;
}

/** Parses the kB fields of /proc/<pid>/status. */
export function parseMemoryStatus(status: string): MemoryStatus {
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? "0") * 1024;
  return { rssBytes: kb("VmRSS"), peakRssBytes: kb("VmHWM"), anonBytes: kb("RssAnon") };
}

export async function memoryStatus(pid: number | undefined): Promise<MemoryStatus | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => undefined);
  return status === undefined ? null : parseMemoryStatus(status);
}
