/** Entry point of the verifier part: `krm verifier --kind K` and `krm run` call `startVerifier`. */
import type { KubeAccess } from "../core/kube-access.js";
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import type { ProblemSink } from "../core/problem-sink.js";
import { createRedis } from "../core/redis-connection.js";
import { reportRedisErrors } from "../core/redis-health.js";
import { listPages } from "../core/kube-list.js";
import { kindKeys } from "../core/redis-keys.js";
import { StagedSnapshot } from "../core/snapshot-writer.js";
import type { RunningPart } from "../core/running-part.js";
import { VerifierLoop } from "./verifier.js";

export interface VerifierOptions {
  kind: KindSpec;
  kubeConfig: KubeAccess;
  redisUrl: string;
  logger: Logger;
  verifyIntervalMs: number;
  /** LIST page size; default 500 (`DEFAULT_PAGE_SIZE`). */
  pageSize?: number;
  keyPrefix?: string;
  /** Deadline of one LIST page request; default 60 s (`KUBE_GET_TIMEOUT_MS`). */
  pageTimeoutMs?: number;
  /** Cap of the `events` stream the SNAPSHOT marker is appended to; default 100000. */
  streamMaxLength?: number;
  /** Told of failures and successes, so cluster problems are reported once for all kinds. */
  problems?: ProblemSink;
}

/** On stop, an in-flight swap gets this long to finish before the connection is closed. */
export const STOP_GRACE_MS = 5000;

export function startVerifier(options: VerifierOptions): Promise<RunningPart> {
  const redis = createRedis(options.redisUrl, `krm-verifier-${options.kind.id}`);
  reportRedisErrors(redis, options.logger);
  const keys = kindKeys(options.kind, options.keyPrefix);
  const loop = new VerifierLoop({
    kind: options.kind,
    list: (list) =>
      listPages({
        ...list,
        kubeConfig: options.kubeConfig,
        kind: options.kind,
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
        ...(options.pageTimeoutMs !== undefined ? { pageTimeoutMs: options.pageTimeoutMs } : {}),
      }),
    beginSnapshot: () =>
      new StagedSnapshot({
        redis,
        keys,
        source: "verifier",
        ...(options.streamMaxLength !== undefined ? { eventsMaxLength: options.streamMaxLength } : {}),
      }),
    snapshotExists: async () => (await redis.exists(keys.verifiedMeta)) === 1,
    logger: options.logger,
    verifyIntervalMs: options.verifyIntervalMs,
    ...(options.problems !== undefined ? { problems: options.problems } : {}),
  });
  const controller = new AbortController();
  const running = loop.run(controller.signal);
  let stopping: Promise<void> | undefined;
  return Promise.resolve({
    name: `verifier ${options.kind.id}`,
    stop: () => {
      stopping ??= (async () => {
        controller.abort();
        await Promise.race([running, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
        redis.disconnect();
      })();
      return stopping;
    },
  });
}
