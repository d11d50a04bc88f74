/**
 * `startLedger`: the usage ledger as a part with its own lifecycle, one feed follower per
 * accounted kind (pods, persistentvolumeclaims) among the configured ones.
 */
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { LedgerFollower } from "./ledger-follower.js";
import { observerFor } from "./observation.js";
import { gpuMatcher } from "./rates.js";

export interface LedgerOptions {
  readonly kinds: readonly KindSpec[];
  readonly redisUrl: string;
  readonly keyPrefix?: string;
  readonly labelKeys: readonly string[];
  readonly logger: Logger;
  readonly retentionMs?: number;
  readonly blockMs?: number;
}

export interface RunningLedger extends RunningPart {
  readonly followers: readonly LedgerFollower[];
}

export function startLedger(options: LedgerOptions): RunningLedger {
  const observeOptions = { labelKeys: options.labelKeys, isGpu: gpuMatcher() };
  const followers: LedgerFollower[] = [];
  for (const kind of options.kinds) {
    const observe = observerFor(kind.id, observeOptions);
    if (observe === undefined) continue;
    const follower = new LedgerFollower({
      kind,
      observe,
      redisUrl: options.redisUrl,
      logger: options.logger.child({ kind: kind.id }),
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
      ...(options.retentionMs !== undefined ? { retentionMs: options.retentionMs } : {}),
      ...(options.blockMs !== undefined ? { blockMs: options.blockMs } : {}),
    });
    follower.start();
    followers.push(follower);
  }
  return {
    name: "ledger",
    followers,
    stop: async () => {
      await Promise.all(followers.map((follower) => follower.stop()));
    },
  };
}
