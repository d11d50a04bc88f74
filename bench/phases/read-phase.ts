import { NAMESPACE_COUNT, appName, namespaceName, podPlacement } from "../fixtures.js";
import type { HttpTarget } from "../http-target.js";
import { runReadCell, type ReadCellResult } from "../read-load.js";
import type { EqualityChecker } from "../verify/equality-check.js";

/** The four reads of issue 7 item 2a. */
export const READ_KINDS = ["full-list", "namespace-list", "selector-list", "get"] as const;
export type ReadKind = (typeof READ_KINDS)[number];

/** How each side is asked: krm as is; the API server from its watch cache (rv=0) and consistently. */
export const READ_TARGETS = ["krm", "apiserver-rv0", "apiserver-consistent"] as const;
export type ReadTarget = (typeof READ_TARGETS)[number];

/** `kubernetes`: krm checks every reader's token (TokenReview + SubjectAccessReview); `none`: it does not. */
export const AUTH_MODES = ["kubernetes", "none"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** `live`: a writer changes pods during the cells; `frozen`: nothing changes. */
export type StateMode = "live" | "frozen";

/** `latency`: one client, a fixed number of requests; `throughput`: many clients for a fixed time. */
export type CellMode = "latency" | "throughput";

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
/** A latency cell stops at this age even if it has not sent all its requests. */
const LATENCY_CELL_CAP_MS = 15 * 60_000;

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
  /** krm as this auth mode's readers reach it (with their token under `kubernetes`). */
  readonly krm: HttpTarget;
  /** The API server with the readers' ServiceAccount token. */
  readonly apiServer: HttpTarget;
  readonly auth: AuthMode;
  readonly state: StateMode;
  readonly pods: number;
  /** Requests per latency cell and side: lists and gets, full lists. */
  readonly samples: { readonly list: number; readonly full: number };
  readonly throughput: { readonly concurrency: number; readonly durationMs: number };
  /** In throughput cells, one krm answer in this many is compared (latency cells: every one). */
  readonly verifyEvery: number;
  readonly checker: EqualityChecker;
  readonly log: (line: string) => void;
}

export interface ReadCell extends ReadCellResult {
  readonly kind: ReadKind;
  readonly target: ReadTarget;
  readonly auth: AuthMode;
  readonly state: StateMode;
  readonly mode: CellMode;
  /** krm answers of this cell compared with the API server's. */
  readonly verified: number;
}

/**
 * Per read kind: the latency cells (one client, `samples` requests) of krm, the API server
 * with rv=0 and consistent, back to back so the sides share the machine's conditions; then
 * the throughput cells (`throughput.concurrency` clients for `throughput.durationMs`). Each
 * cell is preceded by one unmeasured request to open connections and warm caches. krm's
 * answers are parsed after their latency was taken and compared with the API server's state
 * at the same resourceVersion once the cell is over.
 */
export async function runReadPhase(options: ReadPhaseOptions): Promise<ReadCell[]> {
  const side = (target: ReadTarget): HttpTarget => (target === "krm" ? options.krm : options.apiServer);
  const cells: ReadCell[] = [];
  const run = async (kind: ReadKind, target: ReadTarget, mode: CellMode): Promise<void> => {
    const paths = readPaths(kind, options.pods).map((p) => forTarget(p, target));
    const concurrency =
      mode === "latency"
        ? 1
        : kind === "full-list" && options.pods >= FULL_LIST_LARGE_POPULATION
          ? Math.min(options.throughput.concurrency, FULL_LIST_MAX_CONCURRENCY_LARGE)
          : options.throughput.concurrency;
    await runReadCell({ target: side(target), paths, concurrency: 1, durationMs: 1 });
    const before = options.checker.pendingCount;
    const result = await runReadCell({
      target: side(target),
      paths,
      concurrency,
      ...(mode === "latency"
        ? {
            requests: kind === "full-list" ? options.samples.full : options.samples.list,
            durationMs: LATENCY_CELL_CAP_MS,
          }
        : { durationMs: options.throughput.durationMs }),
      ...(target === "krm"
        ? {
            keep: (index: number) => mode === "latency" || index % options.verifyEvery === 0,
            onKept: (path: string, answer) => options.checker.record(path, answer),
          }
        : {}),
    });
    const verified = options.checker.pendingCount - before;
    cells.push({ kind, target, auth: options.auth, state: options.state, mode, verified, ...result });
    options.log(
      `  ${options.state} auth=${options.auth} ${kind} ${mode} c=${concurrency} ${target}: p50 ${result.latencyMs.p50} p99 ${result.latencyMs.p99} ms, ${result.requestsPerSecond} req/s (${result.requests} ok, ${result.errors} errors${target === "krm" ? `, ${verified} to verify` : ""})`,
    );
  };
  for (const kind of READ_KINDS) {
    for (const mode of ["latency", "throughput"] as const) {
      for (const target of READ_TARGETS) await run(kind, target, mode);
      await options.checker.checkPending();
    }
  }
  return cells;
}
