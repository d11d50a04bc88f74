import { Watch, type KubeConfig } from "@kubernetes/client-node";

/** One event as the API server sent it on a watch stream. */
export interface WatchEvent {
  readonly type: string;
  readonly object: WatchObject;
}

/** The parts of a watched object (or of an ERROR event's Status) that tests look at. */
export interface WatchObject {
  readonly kind?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly annotations?: Readonly<Record<string, string>>;
  };
}

export interface WatchOutcome {
  readonly events: readonly WatchEvent[];
  /** Why the stream ended, when it ended on its own: an HTTP error carries `statusCode`. */
  readonly endError: (Error & { statusCode?: number }) | undefined;
  /** True when the stream ended on its own rather than because `until` was satisfied. */
  readonly ended: boolean;
}

export interface CollectWatchOptions {
  readonly kubeConfig: KubeConfig;
  /** API path without query, e.g. /api/v1/namespaces/x/pods. */
  readonly path: string;
  readonly query: Record<string, string | number | boolean | undefined>;
  /** Stop collecting (and close the watch) once this holds for the events so far. */
  readonly until: (events: readonly WatchEvent[]) => boolean;
  readonly timeoutMs: number;
}

/**
 * Watches with @kubernetes/client-node's Watch and collects events until `until` holds or the
 * server ends the stream; rejects if neither happens within `timeoutMs`.
 */
export async function collectWatch(options: CollectWatchOptions): Promise<WatchOutcome> {
  const events: WatchEvent[] = [];
  let settle: (outcome: WatchOutcome) => void = () => undefined;
  const outcome = new Promise<WatchOutcome>((resolve) => (settle = resolve));
  const controller = await new Watch(options.kubeConfig).watch(
    options.path,
    options.query,
    (type: string, object: WatchObject) => {
      events.push({ type, object });
      if (options.until(events)) settle({ events, endError: undefined, ended: false });
    },
    (error: unknown) => {
      const endError = error instanceof Error ? (error as Error & { statusCode?: number }) : undefined;
      settle({ events, endError, ended: true });
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `watch on ${options.path} did not finish within ${options.timeoutMs} ms; got ${events.length} events`,
          ),
        ),
      options.timeoutMs,
    );
  });
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** A watch ended with 410 Gone: either an HTTP 410 before streaming or an ERROR event carrying Status code 410. */
export function isGone(outcome: WatchOutcome): boolean {
  if (outcome.endError?.statusCode === 410) return true;
  return outcome.events.some((event) => event.type === "ERROR" && event.object.code === 410);
}
