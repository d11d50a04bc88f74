/** Entry point of the streamer part: `krm streamer --kind K` and `krm run` call `startStreamer`. */
import type { KubeAccess } from "../core/kube-access.js";
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import type { ProblemSink } from "../core/problem-sink.js";
import type { SyncProgressSink } from "../core/sync-progress.js";
import { createRedis } from "../core/redis-connection.js";
import { reportRedisErrors } from "../core/redis-health.js";
import { kindKeys } from "../core/redis-keys.js";
import type { RunningPart } from "../core/running-part.js";
import { listPages } from "../core/kube-list.js";
import { DEFAULT_EVENTS_MAX_LENGTH, StagedSnapshot } from "../core/snapshot-writer.js";
import { EventWriter } from "./event-writer.js";
import { StreamerLoop } from "./streamer.js";
import { WatchHealthReporter } from "./watch-health.js";
import { watchEvents } from "./watch-stream.js";

export { DEFAULT_BOOKMARK_SILENCE_MS, DEFAULT_WATCH_TIMEOUT_SECONDS } from "./streamer.js";

export interface StreamerOptions {
  kind: KindSpec;
  kubeConfig: KubeAccess;
  redisUrl: string;
  logger: Logger;
  keyPrefix?: string;
  /** Base watch timeout (±20 % jitter); default `DEFAULT_WATCH_TIMEOUT_SECONDS` (300). */
  watchTimeoutSeconds?: number;
  /** Silence after which a watch is treated as dead; default `DEFAULT_BOOKMARK_SILENCE_MS` (90 s). */
  bookmarkSilenceMs?: number;
  /** Cap of the `events` stream (MAXLEN ~); default `DEFAULT_EVENTS_MAX_LENGTH` (100000). */
  streamMaxLength?: number;
  /** LIST page size for the initial list and relists; default 500. */
  pageSize?: number;
  /** Deadline of one LIST page request; default 60 s (`KUBE_GET_TIMEOUT_MS`). */
  pageTimeoutMs?: number;
  /** Try the streaming list (`sendInitialEvents`) first; default true. */
  streamingList?: boolean;
  /** Told how far each list has come (krm run's startup banner). */
  progress?: SyncProgressSink;
  /** Told of failures and successes, so cluster problems are reported once for all kinds. */
  problems?: ProblemSink;
}

/** On stop, queued XADDs get this long to reach Redis before the connection is closed. */
export const STOP_GRACE_MS = 5000;

export function startStreamer(options: StreamerOptions): Promise<RunningPart> {
  const keys = kindKeys(options.kind, options.keyPrefix);
  const redis = createRedis(options.redisUrl, `krm-streamer-${options.kind.id}`);
  reportRedisErrors(redis, options.logger);
  const maxLength = options.streamMaxLength ?? DEFAULT_EVENTS_MAX_LENGTH;
  const health = new WatchHealthReporter(redis, keys.watch);
  const loop = new StreamerLoop({
    kind: options.kind,
    kube: {
      list: (list) =>
        listPages({
          ...list,
          kubeConfig: options.kubeConfig,
          kind: options.kind,
          ...(options.pageTimeoutMs !== undefined ? { pageTimeoutMs: options.pageTimeoutMs } : {}),
        }),
      watch: (request) => watchEvents({ ...request, kubeConfig: options.kubeConfig, kind: options.kind }),
    },
    logger: options.logger,
    writer: new EventWriter({ redis, streamKey: keys.events, maxLength }),
    health,
    beginSnapshot: () => new StagedSnapshot({ redis, keys, eventsMaxLength: maxLength, source: "streamer" }),
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
    ...(options.watchTimeoutSeconds !== undefined
      ? { watchTimeoutSeconds: options.watchTimeoutSeconds }
      : {}),
    ...(options.bookmarkSilenceMs !== undefined ? { bookmarkSilenceMs: options.bookmarkSilenceMs } : {}),
    ...(options.streamingList !== undefined ? { streamingList: options.streamingList } : {}),
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
    ...(options.problems !== undefined ? { problems: options.problems } : {}),
  });
  const controller = new AbortController();
  const running = loop.run(controller.signal);
  let stopping: Promise<void> | undefined;
  return Promise.resolve({
    name: `streamer ${options.kind.id}`,
    stop: () => {
      stopping ??= (async () => {
        controller.abort();
        await Promise.race([running, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
        health.setConnected(false);
        await Promise.race([
          redis.quit().catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 1000).unref()),
        ]);
        redis.disconnect();
      })();
      return stopping;
    },
  });
}
