import type { KubeAccess } from "../../core/kube-access.js";
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
function dependencyCheck(part: string, context: PartContext, kubeConfig?: KubeAccess): RunningPart {
  return startDependencyCheck({
    name: `krm-${part}-${context.kind.id}`,
    redisUrl: context.redisUrl,
    ...(kubeConfig !== undefined ? { kubeConfig } : {}),
  });
}

/** The cluster of a part that talks to the API server, logged once at start. */
function kubeFor(context: PartContext, values: FlagValues, env: NodeJS.ProcessEnv): KubeAccess {
  const { kubeConfig, server } = requireKubeConfig(commonConfig(values).kubeconfig, env);
  context.logger.info({ server }, "starting");
  return kubeConfig;
}

type PerKindCommand = (values: FlagValues, env: NodeJS.ProcessEnv, logger: Logger) => Promise<RunningPart[]>;

/**
 * A per-kind part that talks to the API server: its own flags are read before the kubeconfig,
 * so a bad flag is reported first; `/readyz` asks Redis and the API server.
 */
function clusterPartCommand<Settings>(
  part: string,
  settings: (values: FlagValues) => Settings,
  start: (options: PartContext & Settings & { readonly kubeConfig: KubeAccess }) => Promise<RunningPart>,
): PerKindCommand {
  return async (values, env, logger) => {
    const context = partContext(part, values, logger);
    const own = settings(values);
    const kubeConfig = kubeFor(context, values, env);
    return [await start({ ...context, ...own, kubeConfig }), dependencyCheck(part, context, kubeConfig)];
  };
}

/** `krm streamer --kind K`. */
export const streamerCommand = clusterPartCommand(
  "streamer",
  (values) => ({ pageSize: pageSize(values) }),
  startStreamer,
);

/** `krm verifier --kind K`. */
export const verifierCommand = clusterPartCommand(
  "verifier",
  (values) => ({ verifyIntervalMs: verifyIntervalMs(values), pageSize: pageSize(values) }),
  startVerifier,
);

/** `krm aggregator --kind K`: Redis only, no cluster access. */
export const aggregatorCommand: PerKindCommand = async (values, _env, logger) => {
  const context = partContext("aggregator", values, logger);
  context.logger.info("starting");
  return [await startAggregator(context), dependencyCheck("aggregator", context)];
};
