/** Entry point of the aggregator part: `krm aggregator --kind K` and `krm run` call `startAggregator`. */
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import { createRedis } from "../core/redis-connection.js";
import { reportRedisErrors } from "../core/redis-health.js";
import { kindKeys } from "../core/redis-keys.js";
import type { RunningPart } from "../core/running-part.js";
import { AggregatorLoop } from "./aggregator.js";
import { RedisEventSource } from "./event-source.js";
import { RedisStateStore } from "./redis-state-store.js";

export interface AggregatorOptions {
  kind: KindSpec;
  redisUrl: string;
  logger: Logger;
  keyPrefix?: string;
  /** Cap of the `changes` stream (default `DEFAULT_CHANGES_MAX_LENGTH`). */
  changesMaxLength?: number;
  /** How long one XREAD blocks before the loop checks the state is still there (default 2 s). */
  blockMs?: number;
}

/** On stop, an in-flight commit gets this long to finish before connections are closed. */
export const STOP_GRACE_MS = 5000;

export function startAggregator(options: AggregatorOptions): Promise<RunningPart> {
  const keys = kindKeys(options.kind, options.keyPrefix);
  const commands = createRedis(options.redisUrl, `krm-aggregator-${options.kind.id}`);
  const reader = createRedis(options.redisUrl, `krm-aggregator-reader-${options.kind.id}`);
  // One report per outage: both connections go to the same Redis.
  reportRedisErrors(commands, options.logger);
  reader.on("error", (error: unknown) => options.logger.debug({ err: error }, "redis connection error"));
  const loop = new AggregatorLoop({
    kind: options.kind,
    logger: options.logger,
    store: new RedisStateStore({
      redis: commands,
      keys,
      kind: options.kind,
      ...(options.changesMaxLength !== undefined ? { changesMaxLength: options.changesMaxLength } : {}),
      onBadObject: (key, error) =>
        options.logger.warn({ key, err: error }, "dropping unparsable stored object"),
    }),
    events: new RedisEventSource(
      reader,
      keys.events,
      options.blockMs !== undefined ? { blockMs: options.blockMs } : {},
    ),
  });
  const controller = new AbortController();
  const running = loop.run(controller.signal);
  let stopping: Promise<void> | undefined;
  return Promise.resolve({
    name: `aggregator ${options.kind.id}`,
    stop: () => {
      stopping ??= (async () => {
        controller.abort();
        reader.disconnect();
        await Promise.race([running, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
        commands.disconnect();
      })();
      return stopping;
    },
  });
}
