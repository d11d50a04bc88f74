/** Starts krm's streamer, verifier and aggregator in-process for a set of kinds. */
import type { KubeConfig } from "@kubernetes/client-node";
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startAggregator } from "../../aggregator/index.js";
import { startStreamer } from "../../streamer/index.js";
import { startVerifier } from "../../verifier/index.js";

export interface PartsOptions {
  readonly kinds: readonly KindSpec[];
  readonly kubeConfig: KubeConfig;
  readonly redisUrl: string;
  readonly logger: Logger;
  readonly verifyIntervalMs: number;
  readonly bookmarkSilenceMs: number;
  readonly watchTimeoutSeconds: number;
  /** Deadline of one LIST page (short in fault tests: a blackholed LIST must not stall a part for long). */
  readonly pageTimeoutMs?: number;
  /** Kinds whose aggregator runs elsewhere (e.g. as a separate process). */
  readonly skipAggregatorFor?: readonly string[];
}

export async function startParts(options: PartsOptions): Promise<RunningPart[]> {
  const parts: RunningPart[] = [];
  for (const kind of options.kinds) {
    const logger = options.logger.child({ kind: kind.id });
    parts.push(
      await startStreamer({
        kind,
        kubeConfig: options.kubeConfig,
        redisUrl: options.redisUrl,
        logger: logger.child({ part: "streamer" }),
        bookmarkSilenceMs: options.bookmarkSilenceMs,
        watchTimeoutSeconds: options.watchTimeoutSeconds,
        ...(options.pageTimeoutMs !== undefined ? { pageTimeoutMs: options.pageTimeoutMs } : {}),
      }),
      await startVerifier({
        kind,
        kubeConfig: options.kubeConfig,
        redisUrl: options.redisUrl,
        logger: logger.child({ part: "verifier" }),
        verifyIntervalMs: options.verifyIntervalMs,
        ...(options.pageTimeoutMs !== undefined ? { pageTimeoutMs: options.pageTimeoutMs } : {}),
      }),
    );
    if (!(options.skipAggregatorFor ?? []).includes(kind.id)) {
      parts.push(
        await startAggregator({
          kind,
          redisUrl: options.redisUrl,
          logger: logger.child({ part: "aggregator" }),
        }),
      );
    }
  }
  return parts;
}

export async function stopParts(parts: readonly RunningPart[]): Promise<void> {
  await Promise.all(parts.map((part) => part.stop()));
}
