import type { SyncProgressSink } from "../../core/sync-progress.js";

/** A kind's progress line is repeated at most this often while its first list runs. */
export const PROGRESS_INTERVAL_MS = 2_000;

export interface StartupBannerOptions {
  readonly kinds: readonly string[];
  /** Writes one line (krm run: stderr). */
  readonly write: (line: string) => void;
  readonly now?: () => number;
  readonly progressIntervalMs?: number;
}

interface KindProgress {
  synced: boolean;
  /** From `estimated`, for lists that carry no count of their own (streaming lists). */
  estimate: number | undefined;
  lastLineAt: number | undefined;
  startedAt: number;
}

/**
 * What `krm run` says on the terminal while it starts: "starting", then each kind's first
 * list as it progresses (objects so far, of the total when the API server tells it), then
 * "ready" with the URLs once every kind is listed and the API serves them verified.
 */
export class StartupBanner {
  private readonly progress = new Map<string, KindProgress>();
  private readonly now: () => number;
  private readyShown = false;

  constructor(private readonly options: StartupBannerOptions) {
    this.now = options.now ?? Date.now;
    for (const kind of options.kinds) {
      this.progress.set(kind, {
        synced: false,
        estimate: undefined,
        lastLineAt: undefined,
        startedAt: this.now(),
      });
    }
  }

  starting(server: string): void {
    this.options.write(
      `krm is starting: listing ${this.options.kinds.length} kinds from ${server}; the API answers 503 until every kind is verified`,
    );
  }

  /** The sink the streamer of `kind` reports its list to. */
  forKind(kind: string): SyncProgressSink {
    return {
      listed: (count, total) => this.listed(kind, count, total),
      synced: (count) => this.synced(kind, count),
    };
  }

  /** The number of objects of `kind` as estimated up front (count-estimate.ts). */
  estimated(kind: string, count: number): void {
    const p = this.progress.get(kind);
    if (p !== undefined) p.estimate = count;
  }

  get allSynced(): boolean {
    return [...this.progress.values()].every((p) => p.synced);
  }

  /** Prints the ready block once. */
  ready(url: string): void {
    if (this.readyShown) return;
    this.readyShown = true;
    this.options.write(
      [
        "krm is ready: every kind is listed and verified",
        `krm is serving on ${url}`,
        `  dashboard:  ${url}/dashboard`,
        `  status:     ${url}/status   (or: krm status --server ${url})`,
        `  kubectl:    kubectl --server ${url} get pods -A`,
        "Ctrl-C stops everything krm started.",
      ].join("\n"),
    );
  }

  private listed(kind: string, count: number, total: number | undefined): void {
    const p = this.progress.get(kind);
    if (p === undefined || p.synced) return;
    const now = this.now();
    if (
      p.lastLineAt !== undefined &&
      now - p.lastLineAt < (this.options.progressIntervalMs ?? PROGRESS_INTERVAL_MS)
    )
      return;
    p.lastLineAt = now;
    const of = total ?? p.estimate;
    this.options.write(`  ${kind}: ${count} listed${of === undefined ? "" : ` of ${of}`}…`);
  }

  private synced(kind: string, count: number): void {
    const p = this.progress.get(kind);
    if (p === undefined || p.synced) return;
    p.synced = true;
    const seconds = ((this.now() - p.startedAt) / 1000).toFixed(1);
    const done = [...this.progress.values()].filter((x) => x.synced).length;
    this.options.write(
      `  ${kind}: ${count} object${count === 1 ? "" : "s"} listed in ${seconds} s (${done}/${this.progress.size} kinds)`,
    );
  }
}
