// How many times faster krm answered than the API server, as BENCHMARKS.md's headline states it:
// krm's p50 against the faster of the API server's two ways of reading (rv=0, consistent).
import { API_SERVER_TARGETS, type ReadKind, type ReadTarget } from "../phases/read-phase.js";
import { ratio, spread, type Spread } from "../stats.js";

export type ApiServerTarget = (typeof API_SERVER_TARGETS)[number];

/** One round's p50 of each side, in milliseconds. */
export type RoundP50s = Readonly<Record<ReadTarget, number>>;

export interface RoundSpeedup {
  readonly round: number;
  readonly p50Ms: RoundP50s;
  /** The API server read with the lower p50 in this round. */
  readonly fasterApiServer: ApiServerTarget;
  /** That read's p50 ÷ krm's p50; null when krm's p50 is zero. */
  readonly ratio: number | null;
}

/** The ratio of one round: its sides ran back to back, so they shared the machine's conditions. */
export function roundSpeedup(round: number, p50Ms: RoundP50s): RoundSpeedup {
  const fasterApiServer: ApiServerTarget =
    p50Ms["apiserver-consistent"] < p50Ms["apiserver-rv0"] ? "apiserver-consistent" : "apiserver-rv0";
  return { round, p50Ms, fasterApiServer, ratio: ratio(p50Ms[fasterApiServer], p50Ms.krm) };
}

export interface SpeedupSummary {
  readonly rounds: readonly RoundSpeedup[];
  /** Median and range of the per-round ratios: the figure to hold against BENCHMARKS.md. */
  readonly ratio: Spread;
}

/** What the ratios need of an attack. */
export interface AttackP50 {
  readonly round: number;
  readonly kind: ReadKind;
  readonly target: ReadTarget;
  readonly figures: { readonly p50Ms: number };
  /** A failed attack's figures are not counted. */
  readonly failure?: string;
}

/**
 * Per read, the speedup of every round in which all three sides were measured without a failed
 * request, and their spread; a read without such a round is left out.
 */
export function speedupsByRead(
  attacks: readonly AttackP50[],
  reads: readonly ReadKind[],
): Partial<Record<ReadKind, SpeedupSummary>> {
  const byRead: Partial<Record<ReadKind, SpeedupSummary>> = {};
  for (const kind of reads) {
    const ofRead = attacks.filter((a) => a.kind === kind && a.failure === undefined);
    const rounds = [...new Set(ofRead.map((a) => a.round))].sort((a, b) => a - b);
    const speedups: RoundSpeedup[] = [];
    for (const round of rounds) {
      const p50 = (target: ReadTarget): number | undefined =>
        ofRead.find((a) => a.round === round && a.target === target)?.figures.p50Ms;
      const krm = p50("krm");
      const rv0 = p50("apiserver-rv0");
      const consistent = p50("apiserver-consistent");
      if (krm === undefined || rv0 === undefined || consistent === undefined) continue;
      speedups.push(roundSpeedup(round, { krm, "apiserver-rv0": rv0, "apiserver-consistent": consistent }));
    }
    if (speedups.length > 0) byRead[kind] = { rounds: speedups, ratio: spread(speedups.map((s) => s.ratio)) };
  }
  return byRead;
}
