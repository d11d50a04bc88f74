import { parseArgs } from "node:util";
import { READ_KINDS, type ReadKind } from "../phases/read-phase.js";

/**
 * One vegeta attack's load: a constant rate, low enough that no request waits for another; or,
 * with `perSecond` {@link ONE_CLIENT}, one client that sends each request when the last one has
 * answered, as the bench's latency cells do (for reads that take longer than any fixed gap).
 */
export interface AttackLoad {
  readonly perSecond: number;
  readonly seconds: number;
}

/** `perSecond` of a closed loop with one client (vegeta `-rate 0 -max-workers 1`). */
export const ONE_CLIENT = 0;

/** Requests an attack must have sent: its rate's worth, or at least one for one client. */
export function expectedRequests(load: AttackLoad): number {
  return load.perSecond === ONE_CLIENT ? 1 : load.perSecond * load.seconds;
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
 * side (200 namespace lists; full lists for 90 s, about 30 from the API server). At 5/s a list
 * has 200 ms to finish before the next one starts, so latency is service time, not time in a
 * queue. A full list from the API server takes seconds at 10k pods under writes, longer than any
 * rate that gives 30 in a reasonable time, so full lists are read by one client in a closed loop:
 * at 1/s, API server requests overlapped and waited for each other (p50 3–6 s).
 */
export const CROSS_CHECK_DEFAULTS: CrossCheckOptions = {
  pods: 10_000,
  rounds: 3,
  writeRate: 100,
  reads: ["namespace-list", "full-list", "get", "selector-list"],
  listLoad: { perSecond: 5, seconds: 40 },
  fullLoad: { perSecond: ONE_CLIENT, seconds: 90 },
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
  --full-rate N       full lists per second; 0: one client, each request when the last answered (default ${CROSS_CHECK_DEFAULTS.fullLoad.perSecond})
  --full-seconds N    length of a full-list attack (default ${CROSS_CHECK_DEFAULTS.fullLoad.seconds})
  --http2             HTTP/2 to the API server, as client-go talks (default HTTP/1.1, as the bench)
  --allow-dirty       run on a working tree with uncommitted changes (the JSON then says dirty)`;

function positiveInteger(name: string, text: string | undefined, fallback: number, least = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) {
    const what = least === 0 ? "an integer of 0 or more" : "a positive integer";
    throw new CrossCheckUsageError(`--${name} must be ${what}, not ${JSON.stringify(text)}`);
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
      perSecond: positiveInteger("full-rate", values["full-rate"], defaults.fullLoad.perSecond, ONE_CLIENT),
      seconds: positiveInteger("full-seconds", values["full-seconds"], defaults.fullLoad.seconds),
    },
    http2: values.http2 ?? defaults.http2,
    allowDirty: values["allow-dirty"] ?? defaults.allowDirty,
  };
}

export function loadFor(options: CrossCheckOptions, kind: ReadKind): AttackLoad {
  return kind === "full-list" ? options.fullLoad : options.listLoad;
}
