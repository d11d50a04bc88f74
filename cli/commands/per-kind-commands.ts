import type { KubeConfig } from "@kubernetes/client-node";
import { startAggregator } from "../../aggregator/index.js";
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startStreamer } from "../../streamer/index.js";
import { startVerifier } from "../../verifier/index.js";
import { commonConfig, kindConfig, pageSize, verifyIntervalMs } from "../config.js";
import { requireKubeConfig } from "../load-kubeconfig.js";
import { startDependencyCheck } from "../dependency-check.js";
import type { FlagValues } from "../parse-flags.js";

/** What every per-kind part is started with: its kind, Redis and a logger tagged with both. */
interface PartContext {
  readonly kind: KindSpec;
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly logger: Logger;
}

function partContext(part: string, values: FlagValues, logger: Logger): PartContext {
  const common = commonConfig(values);
  const kind = kindConfig(values);
  return {
    kind,
    redisUrl: common.redisUrl,
    keyPrefix: common.keyPrefix,
    logger: logger.child({ part, kind: kind.id }),
  };
}

/** What the part's `/readyz` asks: Redis, and the API server for parts that use it. */
function dependencyCheck(part: string, context: PartContext, kubeConfig?: KubeConfig): RunningPart {
  return startDependencyCheck({
    name: `krm-${part}-${context.kind.id}`,
    redisUrl: context.redisUrl,
    ...(kubeConfig !== undefined ? { kubeConfig } : {}),
  });
}

/** The cluster of a part that talks to the API server, logged once at start. */
function kubeFor(context: PartContext, values: FlagValues, env: NodeJS.ProcessEnv): KubeConfig {
  const { kubeConfig, server } = requireKubeConfig(commonConfig(values).kubeconfig, env);
  context.logger.info({ server }, "starting");
  return kubeConfig;
}

/** `krm streamer --kind K`. */
export async function streamerCommand(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const context = partContext("streamer", values, logger);
  const size = pageSize(values);
  const kubeConfig = kubeFor(context, values, env);
  return [
    await startStreamer({ ...context, kubeConfig, pageSize: size }),
    dependencyCheck("streamer", context, kubeConfig),
  ];
}

/** `krm verifier --kind K`. */
export async function verifierCommand(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const context = partContext("verifier", values, logger);
  const interval = verifyIntervalMs(values);
  const size = pageSize(values);
  const kubeConfig = kubeFor(context, values, env);
  return [
    await startVerifier({ ...context, kubeConfig, verifyIntervalMs: interval, pageSize: size }),
    dependencyCheck("verifier", context, kubeConfig),
  ];
}

/** `krm aggregator --kind K`: Redis only, no cluster access. */
export async function aggregatorCommand(
  values: FlagValues,
  _env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const context = partContext("aggregator", values, logger);
  context.logger.info("starting");
  return [await startAggregator(context), dependencyCheck("aggregator", context)];
}
