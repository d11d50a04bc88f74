import { parseArgs } from "node:util";
import { READ_KINDS, type ReadKind } from "../phases/read-phase.js";

/** One vegeta attack's load: a constant rate, low enough that no request waits for another. */
export interface AttackLoad {
  readonly perSecond: number;
  readonly seconds: number;
}

export interface CrossCheckOptions {
  readonly pods: number;
  /** Whole rounds of every read against every side; the ratio's spread is across them. */
  readonly rounds: number;
  /** The live writer's rate while the attacks run (BENCHMARKS.md's headline: 100). */
  readonly writeRate: number;
  readonly reads: readonly ReadKind[];
  /** Load of namespace lists, selector lists and gets. */
  readonly listLoad: AttackLoad;
  /** Load of full lists. */
  readonly fullLoad: AttackLoad;
  /** Talk HTTP/2 to the API server, as client-go does (default HTTP/1.1, as the bench does). */
  readonly http2: boolean;
  readonly allowDirty: boolean;
}

export class CrossCheckUsageError extends Error {}

/**
 * Defaults: BENCHMARKS.md's headline setting (10k pods, 100 writes/s) and issue 13's samples per
 * side (200 namespace lists, 30 full lists). At 5/s and 1/s a request has 200 ms and 1 s to
 * finish before the next one starts, so latency is service time, not time in a queue.
 */
export const CROSS_CHECK_DEFAULTS: CrossCheckOptions = {
  pods: 10_000,
  rounds: 3,
  writeRate: 100,
  reads: ["namespace-list", "full-list", "get", "selector-list"],
  listLoad: { perSecond: 5, seconds: 40 },
  fullLoad: { perSecond: 1, seconds: 30 },
  http2: false,
  allowDirty: false,
};

export const CROSS_CHECK_USAGE = `npm run bench:cross-check -- [options]
  --pods N            pods to populate (default ${CROSS_CHECK_DEFAULTS.pods})
  --rounds N          rounds of krm, API server rv=0, API server consistent per read (default ${CROSS_CHECK_DEFAULTS.rounds})
  --write-rate N      live writes per second during the attacks (default ${CROSS_CHECK_DEFAULTS.writeRate})
  --reads LIST        of ${READ_KINDS.join(",")} (default ${CROSS_CHECK_DEFAULTS.reads.join(",")})
  --rate N            requests/s of namespace lists, selector lists, gets (default ${CROSS_CHECK_DEFAULTS.listLoad.perSecond})
  --seconds N         length of those attacks (default ${CROSS_CHECK_DEFAULTS.listLoad.seconds})
  --full-rate N       full lists per second (default ${CROSS_CHECK_DEFAULTS.fullLoad.perSecond})
  --full-seconds N    length of a full-list attack (default ${CROSS_CHECK_DEFAULTS.fullLoad.seconds})
  --http2             HTTP/2 to the API server, as client-go talks (default HTTP/1.1, as the bench)
  --allow-dirty       run on a working tree with uncommitted changes (the JSON then says dirty)`;

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new CrossCheckUsageError(`--${name} must be a positive integer, not ${JSON.stringify(text)}`);
  }
  return value;
}

function readKinds(text: string | undefined): readonly ReadKind[] {
  if (text === undefined) return CROSS_CHECK_DEFAULTS.reads;
  const kinds = text.split(",").filter((k) => k !== "");
  const unknown = kinds.filter((k) => !(READ_KINDS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new CrossCheckUsageError(
      `--reads takes some of ${READ_KINDS.join(",")}, not ${JSON.stringify(text)}`,
    );
  }
  return READ_KINDS.filter((k) => kinds.includes(k));
}

export function parseCrossCheckOptions(args: readonly string[]): CrossCheckOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        pods: { type: "string" },
        rounds: { type: "string" },
        "write-rate": { type: "string" },
        reads: { type: "string" },
        rate: { type: "string" },
        seconds: { type: "string" },
        "full-rate": { type: "string" },
        "full-seconds": { type: "string" },
        http2: { type: "boolean" },
        "allow-dirty": { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new CrossCheckUsageError(error instanceof Error ? error.message : String(error));
  }
  const defaults = CROSS_CHECK_DEFAULTS;
  return {
    pods: positiveInteger("pods", values.pods, defaults.pods),
    rounds: positiveInteger("rounds", values.rounds, defaults.rounds),
    writeRate: positiveInteger("write-rate", values["write-rate"], defaults.writeRate),
    reads: readKinds(values.reads),
    listLoad: {
      perSecond: positiveInteger("rate", values.rate, defaults.listLoad.perSecond),
      seconds: positiveInteger("seconds", values.seconds, defaults.listLoad.seconds),
    },
    fullLoad: {
      perSecond: positiveInteger("full-rate", values["full-rate"], defaults.fullLoad.perSecond),
      seconds: positiveInteger("full-seconds", values["full-seconds"], defaults.fullLoad.seconds),
    },
    http2: values.http2 ?? defaults.http2,
    allowDirty: values["allow-dirty"] ?? defaults.allowDirty,
  };
}

export function loadFor(options: CrossCheckOptions, kind: ReadKind): AttackLoad {
  return kind === "full-list" ? options.fullLoad : options.listLoad;
}
