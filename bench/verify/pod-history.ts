/**
 * The API server's pods at any resourceVersion since a start, rebuilt as an informer would:
 * one consistent list, then a watch from its resourceVersion (with bookmarks, so progress is
 * known even when nothing is written). The equality check asks it for the state at the
 * resourceVersion krm served instead of asking the API server for an exact list per answer:
 * at 10k pods an exact list takes ~15 s and the revisions it needs are compacted within
 * minutes, while the replay answers as many checks as there are, at any size.
 */
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import { objectKey } from "../../core/object-key.js";
import { getJson, type HttpTarget } from "../http-target.js";

/** What the equality check compares per pod, plus the labels selectors read. */
export interface PodVersion {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly rv: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface PodObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Record<string, string>;
  };
}

type Change =
  | { readonly rv: number; readonly key: string; readonly pod: PodVersion | null }
  | { readonly rv: number; readonly reset: Map<string, PodVersion> };

/** Pods per page of the baseline list (the API server's own pagination keeps one snapshot). */
const LIST_PAGE = 5000;
/** Pause before watching again after the API server refused a watch. */
const WATCH_RETRY_MS = 1000;
/** Server-side timeout asked for each watch; the test control plane may close it sooner. */
const WATCH_TIMEOUT_SECONDS = 300;

function versionOf(object: PodObject): PodVersion | undefined {
  const meta = object.metadata;
  if (meta?.name === undefined || meta.namespace === undefined) return undefined;
  return {
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid ?? "",
    rv: meta.resourceVersion ?? "",
    labels: meta.labels ?? {},
  };
}

const keyOf = (pod: PodVersion): string => objectKey(pod.namespace, pod.name);

/** A consistent list of every pod, page by page at one resourceVersion. */
export interface Baseline {
  readonly rv: number;
  readonly pods: Map<string, PodVersion>;
}

/** What a history watches with: client-node's Watch, or a stand-in in unit tests. */
export type Watcher = Pick<Watch, "watch">;

async function listPods(apiServer: HttpTarget): Promise<Baseline> {
  const pods = new Map<string, PodVersion>();
  let next = "";
  let rv = "";
  do {
    const page = await getJson<{
      metadata?: { resourceVersion?: string; continue?: string };
      items?: PodObject[];
    }>(
      apiServer,
      `/api/v1/pods?limit=${LIST_PAGE}${next === "" ? "" : `&continue=${encodeURIComponent(next)}`}`,
    );
    for (const item of page.items ?? []) {
      const pod = versionOf(item);
      if (pod !== undefined) pods.set(keyOf(pod), pod);
    }
    rv = page.metadata?.resourceVersion ?? rv;
    next = page.metadata?.continue ?? "";
  } while (next !== "");
  return { rv: Number(rv), pods };
}

export class PodHistory {
  /** The state at `stateRv`; changes after it wait in `changes`, in resourceVersion order. */
  private state: Map<string, PodVersion>;
  private stateRv: number;
  private readonly changes: Change[] = [];
  /** Every change up to this resourceVersion has arrived. */
  private progressRv: number;
  private readonly gaps: [number, number][] = [];
  private readonly startRv: number;
  private abort: AbortController | undefined;
  private stopped = false;
  private rebaselining = false;
  /** Watch restarts and 410 relists, for the JSON. */
  restarts = 0;
  relists = 0;

  private constructor(
    private readonly list: () => Promise<Baseline>,
    private readonly watch: Watcher,
    baseline: Baseline,
  ) {
    this.state = baseline.pods;
    this.stateRv = this.progressRv = this.startRv = baseline.rv;
  }

  /** Lists the pods and follows them until `stop`. */
  static start(apiServer: HttpTarget, kubeConfig: KubeConfig): Promise<PodHistory> {
    return PodHistory.track(() => listPods(apiServer), new Watch(kubeConfig));
  }

  /** A history from any list and watcher (unit tests give stand-ins). */
  static async track(list: () => Promise<Baseline>, watch: Watcher): Promise<PodHistory> {
    const history = new PodHistory(list, watch, await list());
    await history.follow();
    return history;
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /** The resourceVersion up to which every change has arrived. */
  get progress(): number {
    return this.progressRv;
  }

  /** Whether every change up to `rv` has arrived (the watch passed it, or a bookmark said so). */
  reached(rv: string): boolean {
    return this.progressRv >= Number(rv);
  }

  /**
   * The pods at `rv`, once `reached(rv)`; undefined when the history cannot say: `rv` is before
   * its start or before an earlier question (it only moves forward), or falls in a gap a 410
   * left. The map is the history's own: read it before the next call.
   */
  at(rv: string): ReadonlyMap<string, PodVersion> | undefined {
    const wanted = Number(rv);
    if (!Number.isSafeInteger(wanted) || wanted < this.startRv || wanted < this.stateRv) return undefined;
    if (wanted > this.progressRv) return undefined;
    if (this.gaps.some(([from, to]) => wanted > from && wanted < to)) return undefined;
    let change = this.changes[0];
    let applied = 0;
    while (change !== undefined && change.rv <= wanted) {
      if ("reset" in change) this.state = change.reset;
      else if (change.pod === null) this.state.delete(change.key);
      else this.state.set(change.key, change.pod);
      applied += 1;
      change = this.changes[applied];
    }
    this.changes.splice(0, applied);
    this.stateRv = wanted;
    return this.state;
  }

  private async follow(): Promise<void> {
    if (this.stopped) return;
    const from = this.lastRv();
    this.abort = await this.watch.watch(
      "/api/v1/pods",
      {
        resourceVersion: String(from),
        allowWatchBookmarks: true,
        timeoutSeconds: WATCH_TIMEOUT_SECONDS,
      },
      (type, object: PodObject & { code?: number }) => this.onEvent(type, object),
      () => void this.restart(),
    );
  }

  private lastRv(): number {
    return Math.max(this.progressRv, this.changes.at(-1)?.rv ?? 0);
  }

  private onEvent(type: string, object: PodObject & { code?: number }): void {
    if (type === "ERROR") {
      if (object.code === 410) void this.rebaseline();
      return;
    }
    const rv = Number(object.metadata?.resourceVersion);
    if (!Number.isSafeInteger(rv) || rv <= this.lastRv()) return;
    if (type !== "BOOKMARK") {
      const pod = versionOf(object);
      if (pod === undefined) return;
      this.changes.push({ rv, key: keyOf(pod), pod: type === "DELETED" ? null : pod });
    }
    this.progressRv = rv;
  }

  /** Watches again from where the last one stopped; a watch that cannot start is retried. */
  private async restart(): Promise<void> {
    while (!this.stopped && !this.rebaselining) {
      this.restarts += 1;
      try {
        await this.follow();
        return;
      } catch {
        // Refused (e.g. 429 while the API server is saturated by the bench's own lists): retry.
        await new Promise((resolve) => setTimeout(resolve, WATCH_RETRY_MS));
      }
    }
  }

  /** The watch fell behind the API server's window: list again; the time between is a gap. */
  private async rebaseline(): Promise<void> {
    if (this.stopped || this.rebaselining) return;
    this.rebaselining = true;
    this.abort?.abort();
    try {
      const gapFrom = this.lastRv();
      const baseline = await this.list();
      this.relists += 1;
      this.gaps.push([gapFrom, baseline.rv]);
      this.changes.push({ rv: baseline.rv, reset: baseline.pods });
      this.progressRv = baseline.rv;
    } catch {
      // The list failed: the next watch, from the last resourceVersion, will say 410 again.
    } finally {
      this.rebaselining = false;
    }
    await this.restart();
  }
}
