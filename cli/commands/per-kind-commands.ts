import { startAggregator } from "../../aggregator/index.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startStreamer } from "../../streamer/index.js";
import { startVerifier } from "../../verifier/index.js";
import { commonConfig, kindConfig, pageSize, verifyIntervalMs } from "../config.js";
import { requireKubeConfig } from "../load-kubeconfig.js";
import type { FlagValues } from "../parse-flags.js";

/** `krm streamer --kind K`. */
export async function streamerCommand(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const common = commonConfig(values);
  const kind = kindConfig(values);
  const size = pageSize(values);
  const { kubeConfig, server } = requireKubeConfig(common.kubeconfig, env);
  logger.info({ kind: kind.id, server }, "starting streamer");
  return [
    await startStreamer({
      kind,
      kubeConfig,
      redisUrl: common.redisUrl,
      keyPrefix: common.keyPrefix,
      pageSize: size,
      logger: logger.child({ part: "streamer", kind: kind.id }),
    }),
  ];
}

/** `krm verifier --kind K`. */
export async function verifierCommand(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const common = commonConfig(values);
  const kind = kindConfig(values);
  const interval = verifyIntervalMs(values);
  const size = pageSize(values);
  const { kubeConfig, server } = requireKubeConfig(common.kubeconfig, env);
  logger.info({ kind: kind.id, server, verifyIntervalMs: interval }, "starting verifier");
  return [
    await startVerifier({
      kind,
      kubeConfig,
      redisUrl: common.redisUrl,
      keyPrefix: common.keyPrefix,
      verifyIntervalMs: interval,
      pageSize: size,
      logger: logger.child({ part: "verifier", kind: kind.id }),
    }),
  ];
}

/** `krm aggregator --kind K`. */
export async function aggregatorCommand(
  values: FlagValues,
  _env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const common = commonConfig(values);
  const kind = kindConfig(values);
  logger.info({ kind: kind.id }, "starting aggregator");
  return [
    await startAggregator({
      kind,
      redisUrl: common.redisUrl,
      keyPrefix: common.keyPrefix,
      logger: logger.child({ part: "aggregator", kind: kind.id }),
    }),
  ];
}
