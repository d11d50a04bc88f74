import { NAMESPACE_COUNT, appName, namespaceName, podPlacement } from "../fixtures.js";
import type { HttpResult, HttpTarget } from "../http-target.js";
import { startCpuWindow, type CpuShares } from "../cpu-shares.js";
import { runInterleavedCells, runReadCell, type ReadCellResult } from "../read-load.js";
import type { EqualityChecker } from "../verify/equality-check.js";

/** The four reads of issue 7 item 2a. */
export const READ_KINDS = ["full-list", "namespace-list", "selector-list", "get"] as const;
export type ReadKind = (typeof READ_KINDS)[number];

/** How the API server is asked: from its watch cache (rv=0) and consistently. krm is asked as is. */
export const API_SERVER_TARGETS = ["apiserver-rv0", "apiserver-consistent"] as const;
export type ReadTarget = "krm" | (typeof API_SERVER_TARGETS)[number];

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

/** `path` as `target` is asked for it: the API server's rv=0 reads add `resourceVersion=0`. */
export function forTarget(path: string, target: ReadTarget): string {
  if (target !== "apiserver-rv0") return path;
  return `${path}${path.includes("?") ? "&" : "?"}resourceVersion=0`;
}

/** What the read phase needs of the equality checker (`bench/verify/equality-check.ts`). */
export type ReadChecker = Pick<EqualityChecker, "record" | "pendingCount" | "checkPending">;

export interface ReadPhaseOptions {
  /** krm per auth mode, in run order, as that mode's readers reach it (with their token under `kubernetes`). */
  readonly krm: ReadonlyMap<AuthMode, HttpTarget>;
  /** The API server with the readers' ServiceAccount token (sent whatever krm's auth mode). */
  readonly apiServer: HttpTarget;
  readonly state: StateMode;
  readonly pods: number;
  /** Requests per latency cell and side: lists and gets, full lists. */
  readonly samples: { readonly list: number; readonly full: number };
  readonly throughput: { readonly concurrency: number; readonly durationMs: number };
  /** In throughput cells, one krm answer in this many is compared (latency cells: every one). */
  readonly verifyEvery: number;
  readonly checker: ReadChecker;
  /** Processes whose CPU share each cell records (krm's, kube-apiserver's), by name. */
  readonly pids?: Readonly<Record<string, number>>;
  /** The name (in `pids`) of the krm process serving each auth mode. */
  readonly krmProcess?: ReadonlyMap<AuthMode, string>;
  readonly log: (line: string) => void;
}

export interface ReadCell extends ReadCellResult {
  readonly kind: ReadKind;
  readonly target: ReadTarget;
  /**
   * krm's auth mode for krm's cells; null for the API server's, which do not depend on it (the
   * readers send their token to the API server either way) and are run once for every mode.
   * Results written before this distinction ran the API server cells per auth mode and carry it.
   */
  readonly auth: AuthMode | null;
  readonly state: StateMode;
  readonly mode: CellMode;
  /** krm answers of this cell compared with the API server's. */
  readonly verified: number;
  /** Where the machine's CPU went during the measured requests (absent in older results). */
  readonly cpu?: CpuShares;
  /** The process (a name in `cpu.byProcess`) that answered this cell's requests. */
  readonly server?: string;
  /**
   * True for latency cells measured request by request in turn with the other sides of the
   * same read (`runInterleavedCells`); their `cpu` is then the whole group's window. Absent in
   * results from before, whose latency cells ran one side after the other.
   */
  readonly interleaved?: boolean;
}

/**
 * Per read kind: first the latency cells of every side together, interleaved request by
 * request (krm once per auth mode, the API server with rv=0 and consistently; one client,
 * `samples` rounds), then the throughput cells back to back, krm once per auth mode and the API
 * server twice (`throughput.concurrency` clients for `throughput.durationMs` each). Each side
 * first gets one unmeasured request to open connections and warm caches. krm's answers are
 * kept (parsed later, within the checker's byte budget) and compared with the API server's
 * state at the same resourceVersion after the latency group and after each krm throughput cell.
 */
export async function runReadPhase(options: ReadPhaseOptions): Promise<ReadCell[]> {
  const cells: ReadCell[] = [];
  const sides: { auth: AuthMode | null; target: HttpTarget; side: ReadTarget }[] = [
    ...[...options.krm].map(([auth, target]) => ({ auth, target, side: "krm" as const })),
    ...API_SERVER_TARGETS.map((side) => ({ auth: null, target: options.apiServer, side })),
  ];
  const serverOf = (auth: AuthMode | null): string =>
    auth === null ? "kube-apiserver" : (options.krmProcess?.get(auth) ?? "api");
  /** krm's answers picked by `keep` go to the checker (and are counted by `onRecorded`); the API server's are not kept. */
  const keepKrm = (side: ReadTarget, keep: (index: number) => boolean, onRecorded: () => void = () => {}) =>
    side === "krm"
      ? {
          keep,
          onKept: (path: string, answer: HttpResult) => {
            onRecorded();
            options.checker.record(path, answer);
          },
        }
      : {};
  const describe = (
    kind: ReadKind,
    mode: CellMode,
    auth: AuthMode | null,
    side: ReadTarget,
    cell: ReadCellResult,
    verified: number,
  ): void =>
    options.log(
      `  ${options.state}${auth === null ? "" : ` auth=${auth}`} ${kind} ${mode} c=${cell.concurrency} ${side}: p50 ${cell.latencyMs.p50} p99 ${cell.latencyMs.p99} ms, ${cell.requestsPerSecond} req/s (${cell.requests} ok, ${cell.errors} errors${side === "krm" ? `, ${verified} to verify` : ""})`,
    );

  const latencyGroup = async (kind: ReadKind): Promise<void> => {
    const paths = sides.map(({ side }) => readPaths(kind, options.pods).map((p) => forTarget(p, side)));
    for (const [i, { target }] of sides.entries()) {
      await runReadCell({ target, paths: paths[i] ?? [], concurrency: 1, durationMs: 1 });
    }
    const kept = sides.map(() => 0);
    const cpuWindow = await startCpuWindow(options.pids ?? {});
    const results = await runInterleavedCells(
      sides.map(({ target, side }, i) => ({
        target,
        paths: paths[i] ?? [],
        ...keepKrm(
          side,
          () => true,
          () => {
            kept[i] = (kept[i] ?? 0) + 1;
          },
        ),
      })),
      kind === "full-list" ? options.samples.full : options.samples.list,
      LATENCY_CELL_CAP_MS,
    );
    const cpu = await cpuWindow();
    for (const [i, { auth, side }] of sides.entries()) {
      const result = results[i];
      if (result === undefined) continue;
      const verified = kept[i] ?? 0;
      cells.push({
        kind,
        target: side,
        auth,
        state: options.state,
        mode: "latency",
        verified,
        ...result,
        cpu,
        server: serverOf(auth),
        interleaved: true,
      });
      describe(kind, "latency", auth, side, result, verified);
    }
    await options.checker.checkPending();
  };

  const throughputCell = async (
    kind: ReadKind,
    side: ReadTarget,
    auth: AuthMode | null,
    target: HttpTarget,
  ): Promise<void> => {
    const paths = readPaths(kind, options.pods).map((p) => forTarget(p, side));
    const concurrency =
      kind === "full-list" && options.pods >= FULL_LIST_LARGE_POPULATION
        ? Math.min(options.throughput.concurrency, FULL_LIST_MAX_CONCURRENCY_LARGE)
        : options.throughput.concurrency;
    await runReadCell({ target, paths, concurrency: 1, durationMs: 1 });
    const before = options.checker.pendingCount;
    const cpuWindow = await startCpuWindow(options.pids ?? {});
    const result = await runReadCell({
      target,
      paths,
      concurrency,
      durationMs: options.throughput.durationMs,
      ...keepKrm(side, (index) => index % options.verifyEvery === 0),
    });
    const cpu = await cpuWindow();
    const verified = options.checker.pendingCount - before;
    cells.push({
      kind,
      target: side,
      auth,
      state: options.state,
      mode: "throughput",
      verified,
      ...result,
      cpu,
      server: serverOf(auth),
    });
    describe(kind, "throughput", auth, side, result, verified);
    if (side === "krm") await options.checker.checkPending();
  };

  for (const kind of READ_KINDS) {
    await latencyGroup(kind);
    for (const { auth, target, side } of sides) await throughputCell(kind, side, auth, target);
  }
  return cells;
}
