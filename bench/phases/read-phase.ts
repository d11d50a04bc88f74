import { NAMESPACE_COUNT, appName, namespaceName, podPlacement } from "../fixtures.js";
import { getJson, type HttpTarget } from "../http-target.js";
import { runReadCell, type ReadCellResult } from "../read-load.js";

/** The four reads of issue 7 item 2a. */
export const READ_KINDS = ["full-list", "namespace-list", "selector-list", "get"] as const;
export type ReadKind = (typeof READ_KINDS)[number];

/** How each side is asked: krm as is; the API server from its watch cache (rv=0) and consistently. */
export const READ_TARGETS = ["krm", "apiserver-rv0", "apiserver-consistent"] as const;
export type ReadTarget = (typeof READ_TARGETS)[number];

/** Distinct objects a `get` cell cycles through, so it is not one hot object. */
const GET_SPREAD = 1000;
/** Distinct selectors / namespaces a cell cycles through. */
const LIST_SPREAD = 10;
/**
 * Above this population, full lists run with at most this many clients: 32 concurrent
 * 200 MB responses would exhaust the API server's memory rather than measure it.
 */
export const FULL_LIST_LARGE_POPULATION = 50_000;
export const FULL_LIST_MAX_CONCURRENCY_LARGE = 8;

export function readPaths(kind: ReadKind, pods: number): string[] {
  const spread = (count: number, make: (i: number) => string): string[] =>
    Array.from({ length: count }, (_, i) => make(i));
  switch (kind) {
    case "full-list":
      return ["/api/v1/pods"];
    case "namespace-list":
      return spread(
        LIST_SPREAD,
        (i) => `/api/v1/namespaces/${namespaceName((i * 7) % NAMESPACE_COUNT)}/pods`,
      );
    case "selector-list":
      return spread(
        LIST_SPREAD,
        (i) => `/api/v1/pods?labelSelector=${encodeURIComponent(`app=${appName(i * 3)}`)}`,
      );
    case "get":
      return spread(Math.min(GET_SPREAD, pods), (i) => {
        const { namespace, name } = podPlacement((i * 37) % pods);
        return `/api/v1/namespaces/${namespace}/pods/${name}`;
      });
  }
}

function forTarget(path: string, target: ReadTarget): string {
  if (target !== "apiserver-rv0") return path;
  return `${path}${path.includes("?") ? "&" : "?"}resourceVersion=0`;
}

export interface ReadPhaseOptions {
  readonly krm: HttpTarget;
  readonly apiServer: HttpTarget;
  readonly pods: number;
  readonly concurrencies: readonly number[];
  readonly cellMs: number;
  readonly log: (line: string) => void;
}

export interface ReadCell extends ReadCellResult {
  readonly kind: ReadKind;
  readonly target: ReadTarget;
}

export interface ReadPhaseResult {
  /** Items each side returned for the first path of each list kind: the sides must agree. */
  readonly itemCounts: Record<string, Record<ReadTarget, number>>;
  readonly cells: ReadCell[];
  readonly skipped: string[];
}

interface ListBody {
  readonly items?: unknown[];
}

/**
 * Every (read kind, concurrency) pair runs against the three targets back to back, so the
 * sides are measured under the same machine conditions; each cell is preceded by one
 * unmeasured request to open connections and warm caches.
 */
export async function runReadPhase(options: ReadPhaseOptions): Promise<ReadPhaseResult> {
  const side = (target: ReadTarget): HttpTarget => (target === "krm" ? options.krm : options.apiServer);
  const itemCounts: Record<string, Record<ReadTarget, number>> = {};
  for (const kind of READ_KINDS) {
    if (kind === "get") continue;
    const [path = "/"] = readPaths(kind, options.pods);
    const counts = { krm: 0, "apiserver-rv0": 0, "apiserver-consistent": 0 };
    for (const target of READ_TARGETS) {
      counts[target] = (await getJson<ListBody>(side(target), forTarget(path, target))).items?.length ?? 0;
    }
    itemCounts[kind] = counts;
  }
  const cells: ReadCell[] = [];
  const skipped: string[] = [];
  for (const kind of READ_KINDS) {
    const paths = readPaths(kind, options.pods);
    for (const concurrency of options.concurrencies) {
      if (
        kind === "full-list" &&
        options.pods >= FULL_LIST_LARGE_POPULATION &&
        concurrency > FULL_LIST_MAX_CONCURRENCY_LARGE
      ) {
        skipped.push(`${kind} c=${concurrency}`);
        continue;
      }
      for (const target of READ_TARGETS) {
        const targetPaths = paths.map((p) => forTarget(p, target));
        await runReadCell({ target: side(target), paths: targetPaths, concurrency: 1, durationMs: 1 });
        const result = await runReadCell({
          target: side(target),
          paths: targetPaths,
          concurrency,
          durationMs: options.cellMs,
        });
        cells.push({ kind, target, ...result });
        options.log(
          `  read ${kind} c=${concurrency} ${target}: p50 ${result.latencyMs.p50} ms p99 ${result.latencyMs.p99} ms, ${result.requestsPerSecond} req/s (${result.requests} ok, ${result.errors} errors)`,
        );
      }
    }
  }
  return { itemCounts, cells, skipped };
}
