import { loadAverages } from "../machine.js";
import {
  API_SERVER_TARGETS,
  forTarget,
  readPaths,
  type ReadKind,
  type ReadTarget,
} from "../phases/read-phase.js";
import { expectedRequests, loadFor, type AttackLoad, type CrossCheckOptions } from "./cross-check-options.js";
import type { LiveCluster } from "./live-cluster.js";
import { runAttack } from "./vegeta-attack.js";
import { attackFailure, attackFigures, type AttackFigures, type VegetaReport } from "./vegeta-report.js";

/** The sides in the order each round attacks them, as the bench runs its cells. */
export const CROSS_CHECK_TARGETS: readonly ReadTarget[] = ["krm", ...API_SERVER_TARGETS];

/** One vegeta attack: what was read from which side, vegeta's report and its figures in ms. */
export interface AttackRecord {
  readonly round: number;
  readonly kind: ReadKind;
  readonly target: ReadTarget;
  readonly load: AttackLoad;
  /** Distinct paths the attack cycled through. */
  readonly paths: number;
  readonly loadAverageBefore: readonly number[];
  readonly loadAverageAfter: readonly number[];
  readonly figures: AttackFigures;
  readonly report: VegetaReport;
  /** Set when a request failed or was not sent; the cross-check then stops and fails. */
  readonly failure?: string;
}

export class AttackFailedError extends Error {}

export interface AttackRoundsOptions {
  readonly vegeta: string;
  readonly cluster: LiveCluster;
  readonly options: CrossCheckOptions;
  /** Where vegeta's targets and binary results go. */
  readonly workDir: string;
  /** Receives every attack as it ends, failed ones too, so a failed run still keeps them. */
  readonly onAttack: (record: AttackRecord) => void;
  /** Stops the rounds: the running attack is killed and this signal's reason thrown. */
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

/**
 * `rounds` times: per read, krm, then the API server with rv=0, then consistently, back to back,
 * so the three sides of a round share the machine's conditions. The paths are the bench's
 * (`readPaths`, `forTarget`). Throws {@link AttackFailedError} at the first attack with a failed
 * request.
 */
export async function runAttackRounds(rounds: AttackRoundsOptions): Promise<void> {
  const { cluster, options, log } = rounds;
  for (let round = 1; round <= options.rounds; round += 1) {
    for (const kind of options.reads) {
      for (const target of CROSS_CHECK_TARGETS) {
        rounds.signal.throwIfAborted();
        const load = loadFor(options, kind);
        const paths = readPaths(kind, options.pods).map((p) => forTarget(p, target));
        const loadAverageBefore = loadAverages();
        const report = await runAttack(
          rounds.vegeta,
          {
            name: `r${round}-${kind}-${target}`,
            target: target === "krm" ? cluster.krm : cluster.apiServer,
            paths,
            load,
            http2: options.http2,
          },
          rounds.workDir,
          rounds.signal,
        );
        const failure = attackFailure(report, expectedRequests(load));
        const figures = attackFigures(report);
        const record: AttackRecord = {
          round,
          kind,
          target,
          load,
          paths: paths.length,
          loadAverageBefore,
          loadAverageAfter: loadAverages(),
          figures,
          report,
          ...(failure === undefined ? {} : { failure }),
        };
        rounds.onAttack(record);
        log(
          `  round ${round} ${kind} ${target}: p50 ${figures.p50Ms} p95 ${figures.p95Ms} p99 ${figures.p99Ms} ms, ${figures.requests} requests, success ${figures.success}, load ${record.loadAverageAfter[0]}`,
        );
        if (failure !== undefined) {
          throw new AttackFailedError(`round ${round} ${kind} ${target}: ${failure}`);
        }
      }
    }
  }
}
