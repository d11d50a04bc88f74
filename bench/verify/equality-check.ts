import { waitUntil } from "../../local/wait-until.js";
import { send, type HttpResult, type HttpTarget } from "../http-target.js";
import type { PodHistory } from "./pod-history.js";
import { digestInScope, podScopeOf } from "./pod-scope.js";
import { differences, digestOfBody, exactPathFor, type ResponseDigest } from "./response-digest.js";

/** The header with the resourceVersion krm served a get at (docs/api-contract.md, Freshness). */
export const KRM_RV_HEADER = "x-krm-resource-version";

export interface Mismatch {
  readonly path: string;
  readonly rv: string;
  readonly differences: readonly string[];
}

export interface EqualityResult {
  /** krm answers compared with the API server's. */
  readonly checked: number;
  /** Of those, answered from the replayed watch (pod-history.ts) rather than an exact list. */
  readonly replayed: number;
  /** Distinct (path, resourceVersion) pairs the API server was asked for with an exact list. */
  readonly apiServerLookups: number;
  /**
   * Answers neither the history nor an exact list could place (the revision was compacted
   * first); not counted in `checked`, shown in the report.
   */
  readonly unverifiable: number;
  readonly mismatches: readonly Mismatch[];
  /** The history's watch restarts (the API server closes watches) and 410 relists. */
  readonly historyRestarts?: number;
  readonly historyRelists?: number;
}

interface Recorded {
  readonly path: string;
  readonly rv: string;
  readonly digest: ResponseDigest;
}

interface RawAnswer {
  readonly path: string;
  readonly body: Buffer;
  /** krm's resourceVersion header (a get's body has no list resourceVersion). */
  readonly headerRv: string | undefined;
}

function recordedOf(raw: RawAnswer): Recorded {
  const { listRv, digest } = digestOfBody(raw.body);
  const rv = listRv ?? raw.headerRv;
  if (rv === undefined) throw new Error(`krm answered ${raw.path} without a resourceVersion`);
  return { path: raw.path, rv, digest };
}

/**
 * Bytes of krm's answers held unparsed until the check after a cell: a 10k latency cell's 200
 * namespace or selector lists (~0.5–1 MB each), not 30 full lists of a large population.
 */
export const DEFER_BYTES = 512 * 1024 * 1024;

/** Mismatches kept in the JSON; one is enough to fail the run. */
const MAX_KEPT = 20;
/**
 * How long a check waits for the history's watch to pass krm's resourceVersion: at once under
 * live writes; with none, until the API server's next bookmark (about a minute).
 */
const HISTORY_WAIT_MS = 120_000;

/**
 * Compares krm's answers with the API server's state at the resourceVersion krm served. With a
 * PodHistory, that state is replayed from one list and the watch after it; an answer it cannot
 * place (not a pod read, or before the history) is compared with a list at
 * `resourceVersion=<krm's>&resourceVersionMatch=Exact` (see {@link exactPathFor}), where
 * identical (path, resourceVersion) pairs cost one request. Answers are recorded as they come
 * and checked later in batches, outside any timed request.
 */
export class EqualityChecker {
  private pending: Recorded[] = [];
  private checked = 0;
  private replayed = 0;
  private lookups = 0;
  private unverifiable = 0;
  private readonly mismatches: Mismatch[] = [];
  private mismatchCount = 0;
  /**
   * The history's progress when a wait for it ran out: with no pod changing, the watch may not
   * pass krm's resourceVersion at all (krm serves the verifier's list resourceVersion, which
   * writes to other kinds move), and waiting again for every answer would cost 120 s each (the
   * suspected cause of a 50k run without live writes that made no progress for 20 minutes).
   * While the history has not moved since, answers go straight to the exact list.
   */
  private stalledAt: number | undefined;

  /** Answers recorded but not yet parsed, and their bytes (see {@link record}). */
  private held: RawAnswer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly apiServer: HttpTarget,
    private readonly history?: PodHistory,
    private readonly historyWaitMs = HISTORY_WAIT_MS,
    private readonly deferBytes = DEFER_BYTES,
  ) {}

  /**
   * Keeps krm's answer (a 200 with its body) for the next check. The body is parsed then, not
   * now, while the held bodies fit in `deferBytes`: parsing here, between two timed requests of
   * a krm cell, would load the machine and the bench's heap only during krm's cells (the API
   * server's answers are not parsed). Past the budget (full lists of large populations) it is
   * digested at once.
   */
  record(path: string, answer: HttpResult): void {
    const body = answer.body ?? Buffer.from("null");
    const header = answer.headers?.[KRM_RV_HEADER];
    const raw = { path, body, headerRv: typeof header === "string" ? header : undefined };
    if (this.heldBytes + body.length <= this.deferBytes) {
      this.held.push(raw);
      this.heldBytes += body.length;
    } else this.pending.push(recordedOf(raw));
  }

  get pendingCount(): number {
    return this.pending.length + this.held.length;
  }

  /** Checks every recorded answer against the API server, oldest resourceVersion first. */
  async checkPending(): Promise<void> {
    this.pending.push(...this.held.map(recordedOf));
    this.held = [];
    this.heldBytes = 0;
    const batch = this.pending.sort((a, b) => Number(a.rv) - Number(b.rv));
    this.pending = [];
    const answers = new Map<string, ResponseDigest>();
    for (const recorded of batch) {
      let expected = await this.replay(recorded);
      if (expected !== undefined) this.replayed += 1;
      else {
        const path = exactPathFor(recorded.path, recorded.rv);
        expected = answers.get(path);
        if (expected === undefined) {
          const answer = await send(this.apiServer, path, { keepBody: true });
          this.lookups += 1;
          // Compacted before it could be asked: this answer cannot be compared, and says so.
          if (answer.status === 410) {
            this.unverifiable += 1;
            continue;
          }
          if (answer.status !== 200 || answer.body === undefined)
            throw new Error(`GET ${this.apiServer.name} ${path}: HTTP ${answer.status}`);
          expected = digestOfBody(answer.body).digest;
          answers.set(path, expected);
        }
      }
      this.checked += 1;
      const found = differences(recorded.digest, expected);
      if (found.length === 0) continue;
      this.mismatchCount += 1;
      if (this.mismatches.length < MAX_KEPT)
        this.mismatches.push({ path: recorded.path, rv: recorded.rv, differences: found });
    }
  }

  private async replay(recorded: Recorded): Promise<ResponseDigest | undefined> {
    const history = this.history;
    const scope = podScopeOf(recorded.path);
    if (history === undefined || scope === undefined) return undefined;
    if (!history.reached(recorded.rv) && history.progress !== this.stalledAt) {
      await waitUntil(() => (history.reached(recorded.rv) ? true : undefined), {
        what: `the API server's watch to pass resourceVersion ${recorded.rv}`,
        timeoutMs: this.historyWaitMs,
      }).catch(() => {
        this.stalledAt = history.progress;
      });
    }
    const pods = history.at(recorded.rv);
    return pods === undefined ? undefined : digestInScope(pods, scope);
  }

  result(): EqualityResult {
    return {
      checked: this.checked,
      replayed: this.replayed,
      apiServerLookups: this.lookups,
      unverifiable: this.unverifiable,
      mismatches: [...this.mismatches],
    };
  }

  get failed(): boolean {
    return this.mismatchCount > 0;
  }
}
