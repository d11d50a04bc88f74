import { getJson, type HttpResult, type HttpTarget } from "../http-target.js";
import { differences, digestOf, exactPathFor, type ResponseDigest } from "./response-digest.js";

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
  /** Distinct (path, resourceVersion) pairs the API server was asked for. */
  readonly apiServerLookups: number;
  readonly mismatches: readonly Mismatch[];
}

interface Recorded {
  readonly path: string;
  readonly rv: string;
  readonly digest: ResponseDigest;
}

/** Mismatches kept in the JSON; one is enough to fail the run. */
const MAX_KEPT = 20;

/**
 * Compares krm's answers with the API server's state at the resourceVersion krm served: a list
 * at `resourceVersion=<krm's>&resourceVersionMatch=Exact` (see {@link exactPathFor}). Answers
 * are recorded as they come and checked later in batches, outside any timed request; identical
 * (path, resourceVersion) pairs cost one API server request.
 */
export class EqualityChecker {
  private pending: Recorded[] = [];
  private checked = 0;
  private lookups = 0;
  private readonly mismatches: Mismatch[] = [];
  private mismatchCount = 0;

  constructor(private readonly apiServer: HttpTarget) {}

  /** Parses krm's answer (a 200 with its body) and keeps what must be compared. */
  record(path: string, answer: HttpResult): void {
    const body = JSON.parse(answer.body?.toString("utf8") ?? "null") as {
      metadata?: { resourceVersion?: string };
      items?: unknown;
    };
    const header = answer.headers?.[KRM_RV_HEADER];
    const rv = Array.isArray(body.items)
      ? body.metadata?.resourceVersion
      : typeof header === "string"
        ? header
        : undefined;
    if (rv === undefined) throw new Error(`krm answered ${path} without a resourceVersion`);
    this.pending.push({ path, rv, digest: digestOf(body) });
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Checks every recorded answer against the API server. */
  async checkPending(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    const answers = new Map<string, ResponseDigest>();
    for (const recorded of batch) {
      const path = exactPathFor(recorded.path, recorded.rv);
      let expected = answers.get(path);
      if (expected === undefined) {
        expected = digestOf(await getJson<unknown>(this.apiServer, path));
        answers.set(path, expected);
        this.lookups += 1;
      }
      this.checked += 1;
      const found = differences(recorded.digest, expected);
      if (found.length === 0) continue;
      this.mismatchCount += 1;
      if (this.mismatches.length < MAX_KEPT)
        this.mismatches.push({ path: recorded.path, rv: recorded.rv, differences: found });
    }
  }

  result(): EqualityResult {
    return { checked: this.checked, apiServerLookups: this.lookups, mismatches: [...this.mismatches] };
  }

  get failed(): boolean {
    return this.mismatchCount > 0;
  }
}
