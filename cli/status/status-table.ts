import { humanAge } from "./human-age.js";

/** The parts of one kind in krm's `GET /status` (api/freshness.ts `KindFreshness`) the table shows. */
export interface KindStatus {
  readonly kind: string;
  readonly verified: boolean;
  readonly verifiedAgeMs?: number;
  readonly lastEventAgeMs?: number;
  readonly stale: boolean;
  readonly staleForMs?: number;
  readonly objects: number;
}

export interface StatusBody {
  readonly ready: boolean;
  readonly kinds: readonly KindStatus[];
}

/** The streamer's watch per kind (from `/dashboard/data`): connected, down, or unknown. */
export type WatchStates = ReadonlyMap<string, boolean | null>;

export const STATUS_COLUMNS = ["KIND", "OBJECTS", "WATCH", "LAST EVENT", "VERIFIED", "STALE"] as const;

/** `krm status` as `kubectl get` prints: upper-case headers, columns three spaces apart. */
export function statusTable(status: StatusBody, watch: WatchStates): string {
  const rows = status.kinds.map((k) => [
    k.kind,
    String(k.objects),
    watchText(watch.get(k.kind)),
    k.lastEventAgeMs === undefined ? "<none>" : `${humanAge(k.lastEventAgeMs)} ago`,
    k.verifiedAgeMs === undefined ? "<never>" : `${humanAge(k.verifiedAgeMs)} ago`,
    k.stale ? `true${k.staleForMs === undefined ? "" : ` (${humanAge(k.staleForMs)})`}` : "false",
  ]);
  return alignColumns([[...STATUS_COLUMNS], ...rows]);
}

function watchText(state: boolean | null | undefined): string {
  if (state === true) return "connected";
  if (state === false) return "down";
  return "<unknown>";
}

function alignColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3)))
        .join("")
        .trimEnd(),
    )
    .join("\n");
}
