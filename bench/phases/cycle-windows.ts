/** A verification cycle on the wall clock: from the verifier starting its list to the merged snapshot. */
export interface CycleWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** A `verifications` stream entry (docs/redis-layout.md): its id and fields. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

function wallClock(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const asNumber = Number(text);
  if (Number.isFinite(asNumber)) return asNumber;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Cycle windows from `verifications` entries: the list started `durationMs` before
 * `finishedAt`, and the cycle ended when the aggregator appended the entry (the stream id's
 * milliseconds), after merging the snapshot.
 */
export function cycleWindows(entries: readonly StreamEntry[]): CycleWindow[] {
  const windows: CycleWindow[] = [];
  for (const { id, fields } of entries) {
    const finished = wallClock(fields["finishedAt"]);
    const duration = Number(fields["durationMs"]);
    const appended = Number(id.split("-")[0]);
    if (finished === undefined || !Number.isFinite(duration) || !Number.isFinite(appended)) continue;
    windows.push({ startMs: finished - duration, endMs: Math.max(finished, appended) });
  }
  return windows;
}

/** A timed request: when it was sent (wall clock ms) and how long it took. */
export interface TimedSample {
  readonly sentAtMs: number;
  readonly ms: number;
}

/** Latencies of requests whose time in flight overlapped a cycle, and of the others. */
export function splitByCycles(
  samples: readonly TimedSample[],
  windows: readonly CycleWindow[],
): { during: number[]; outside: number[] } {
  const during: number[] = [];
  const outside: number[] = [];
  for (const sample of samples) {
    const end = sample.sentAtMs + sample.ms;
    const overlaps = windows.some((w) => sample.sentAtMs <= w.endMs && end >= w.startMs);
    (overlaps ? during : outside).push(sample.ms);
  }
  return { during, outside };
}
