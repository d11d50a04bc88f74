import { startAggregator } from "../../aggregator/index.js";
import { startApiServer, type RunningApiServer } from "../../api/index.js";
import { apiServerOptions } from "../api-server-options.js";
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { untilAborted } from "../../core/until-aborted.js";
import { startMetricsExporter } from "../../metrics/index.js";
import { startStreamer } from "../../streamer/index.js";
import { startVerifier } from "../../verifier/index.js";
import { startUsageRecorder } from "../../usage/history/usage-recorder.js";
import { startLedger } from "../../usage/ledger/index.js";
import { usageLabels } from "../usage-config.js";
import { apiConfig, commonConfig, influxConfig, kindsConfig, pageSize, verifyIntervalMs } from "../config.js";
import { loadKubeConfig } from "../load-kubeconfig.js";
import { startLocalEnvironment } from "../local/local-environment.js";
import type { ParsedFlags } from "../parse-flags.js";
import { estimateObjectCount } from "../run/count-estimate.js";
import { ProblemReporter } from "../run/problem-reporter.js";
import { redisForRun } from "../run/redis-for-run.js";
import { StartupBanner } from "../run/startup-banner.js";
import { StartedParts } from "../started-parts.js";

/**
 * `krm run`: every part for every configured kind in one process. With no cluster
 * configured it first starts a local one (control plane, Redis, demo workload), so the
 * README's first command works on a fresh machine. Parts are returned in start order;
 * the caller stops them in reverse. When `signal` aborts (a stop signal while starting), it
 * stops what it has started so far and rejects with the signal's reason.
 */
export async function runCommand(
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  signal: AbortSignal,
): Promise<RunningPart[]> {
  const { values, given } = flags;
  const common = commonConfig(values);
  const kinds = kindsConfig(values);
  const apiOptions = apiServerOptions(apiConfig(values), values, logger);
  const influx = influxConfig(values);
  const interval = verifyIntervalMs(values);
  const size = pageSize(values);
  const started = new StartedParts(signal);

  try {
    const explicitRedis = given.has("redis-url") ? common.redisUrl : undefined;
    let loaded = loadKubeConfig(common.kubeconfig, env);
    let localRedisUrl: string | undefined;
    if (loaded === undefined) {
      const local = await startLocalEnvironment({
        startRedis: explicitRedis === undefined,
        logger,
        env,
        signal,
      });
      started.add(...local.parts);
      loaded = local.kube;
      localRedisUrl = local.redisUrl;
    }
    const redis =
      localRedisUrl !== undefined
        ? { url: localRedisUrl }
        : await redisForRun({
            url: explicitRedis,
            wait: values["wait-for-redis"] === true,
            server: loaded.server,
            logger,
            env,
            signal,
          });
    if (redis.part !== undefined) started.add(redis.part);
    const redisUrl = redis.url;
    const { kubeConfig } = loaded;
    logger.info(
      { server: loaded.server, source: loaded.source, redisUrl, kinds: kinds.map((k) => k.id) },
      "krm run",
    );

    const base = { redisUrl, keyPrefix: common.keyPrefix };
    const child = (part: string, kind: KindSpec): Logger => logger.child({ part, kind: kind.id });
    const problems = new ProblemReporter({ server: loaded.server, logger });
    const banner =
      env["KRM_QUIET"] === "1"
        ? undefined
        : new StartupBanner({
            kinds: kinds.map((k) => k.id),
            write: (line) => process.stderr.write(`${line}\n`),
          });
    if (banner !== undefined) {
      banner.starting(loaded.server);
      const counts = await untilAborted(
        Promise.all(kinds.map((kind) => estimateObjectCount(kubeConfig, kind))),
        signal,
      );
      kinds.forEach((kind, i) => {
        const count = counts[i];
        if (count !== undefined) banner.estimated(kind.id, count);
      });
    }
    for (const kind of kinds) {
      started.add(await startAggregator({ ...base, kind, logger: child("aggregator", kind) }));
      started.add(
        await startStreamer({
          ...base,
          kind,
          kubeConfig,
          pageSize: size,
          logger: child("streamer", kind),
          problems,
          ...(banner !== undefined ? { progress: banner.forKind(kind.id) } : {}),
        }),
      );
      started.add(
        await startVerifier({
          ...base,
          kind,
          kubeConfig,
          verifyIntervalMs: interval,
          pageSize: size,
          logger: child("verifier", kind),
          problems,
        }),
      );
    }
    const server = await startApiServer({
      ...base,
      kinds,
      kubeConfig,
      ...apiOptions,
    });
    started.add(server);
    started.add(
      startLedger({
        ...base,
        kinds,
        labelKeys: usageLabels(values),
        logger: logger.child({ part: "ledger" }),
      }),
    );
    if (influx !== undefined) {
      started.add(
        await startMetricsExporter({ ...base, kinds, influx, logger: logger.child({ part: "metrics" }) }),
        startUsageRecorder({ ...base, influx, logger: logger.child({ part: "usage-history" }) }),
      );
    }
    if (banner !== undefined) started.add(announceReady(banner, server));
    return started.list();
  } catch (error) {
    await started.stopAll(logger);
    throw error;
  }
}

/** How often `krm run` checks whether it is ready, to say so once. */
const READY_POLL_MS = 250;

/** Prints the ready block once every kind is listed and the API serves them verified. */
function announceReady(banner: StartupBanner, server: RunningApiServer): RunningPart {
  const timer = setInterval(() => {
    if (!banner.allSynced || !server.ready()) return;
    banner.ready(server.url);
    clearInterval(timer);
  }, READY_POLL_MS);
  timer.unref();
  return { name: "startup-banner", stop: () => Promise.resolve(clearInterval(timer)) };
}
