import { clusterProblem } from "../../core/cluster-problem.js";
import type { Logger } from "../../core/logger.js";
import type { ProblemSink } from "../../core/problem-sink.js";

/** A cause is repeated first after this long, then twice as long each time... */
export const PROBLEM_REPEAT_FIRST_MS = 5_000;
/** ...up to this, so a problem that lasts is still visible in the last screen of logs. */
export const PROBLEM_REPEAT_CAP_MS = 5 * 60_000;

export interface ProblemReporterOptions {
  /** The API server URL, for the messages. */
  readonly server: string;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly firstRepeatMs?: number;
  readonly capMs?: number;
}

interface OpenProblem {
  readonly text: string;
  readonly kinds: Set<string>;
  nextReportAt: number;
  repeatMs: number;
}

/**
 * One warning line per cause of failure (cluster-problem.ts), with the kinds it affects,
 * repeated with a doubling interval while it lasts, and one line when every cause is over.
 */
export class ProblemReporter implements ProblemSink {
  private readonly open = new Map<string, OpenProblem>();
  private readonly now: () => number;
  private reportedAny = false;

  constructor(private readonly options: ProblemReporterOptions) {
    this.now = options.now ?? Date.now;
  }

  failed(kind: string, error: unknown): boolean {
    const problem = clusterProblem(error, this.options.server, kind);
    if (problem === undefined) return false;
    const now = this.now();
    let open = this.open.get(problem.key);
    if (open === undefined) {
      open = { text: problem.text, kinds: new Set(), nextReportAt: now, repeatMs: this.firstRepeatMs };
      this.open.set(problem.key, open);
    }
    open.kinds.add(kind);
    if (now >= open.nextReportAt) {
      const kinds = [...open.kinds].sort().join(", ");
      this.options.logger.warn({ cause: problem.key }, `${open.text} [${kinds}]`);
      this.reportedAny = true;
      open.nextReportAt = now + open.repeatMs;
      open.repeatMs = Math.min(open.repeatMs * 2, this.options.capMs ?? PROBLEM_REPEAT_CAP_MS);
    }
    return true;
  }

  succeeded(kind: string): void {
    if (this.open.size === 0) return;
    for (const [key, open] of this.open) {
      open.kinds.delete(kind);
      if (open.kinds.size === 0) this.open.delete(key);
    }
    if (this.open.size === 0 && this.reportedAny) {
      this.reportedAny = false;
      this.options.logger.info({ server: this.options.server }, "the cluster answers again");
    }
  }

  private get firstRepeatMs(): number {
    return this.options.firstRepeatMs ?? PROBLEM_REPEAT_FIRST_MS;
  }
}
