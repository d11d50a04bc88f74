import { startAggregator } from "../../aggregator/index.js";
import { startApiServer } from "../../api/index.js";
import type { KindSpec } from "../../core/kinds.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { startMetricsExporter } from "../../metrics/index.js";
import { startStreamer } from "../../streamer/index.js";
import { startVerifier } from "../../verifier/index.js";
import { apiConfig, commonConfig, influxConfig, kindsConfig, pageSize, verifyIntervalMs } from "../config.js";
import { loadKubeConfig } from "../load-kubeconfig.js";
import { startLocalEnvironment } from "../local/local-environment.js";
import type { ParsedFlags } from "../parse-flags.js";
import { redisForRun } from "../run/redis-for-run.js";

/**
 * `krm run`: every part for every configured kind in one process. With no cluster
 * configured it first starts a local one (control plane, Redis, demo workload), so the
 * README's first command works on a fresh machine. Parts are returned in start order;
 * the caller stops them in reverse.
 */
export async function runCommand(
  flags: ParsedFlags,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const { values, given } = flags;
  const common = commonConfig(values);
  const kinds = kindsConfig(values);
  const api = apiConfig(values);
  const influx = influxConfig(values);
  const interval = verifyIntervalMs(values);
  const size = pageSize(values);
  const parts: RunningPart[] = [];

  try {
    const explicitRedis = given.has("redis-url") ? common.redisUrl : undefined;
    let loaded = loadKubeConfig(common.kubeconfig, env);
    let localRedisUrl: string | undefined;
    if (loaded === undefined) {
      const local = await startLocalEnvironment({ startRedis: explicitRedis === undefined, logger, env });
      parts.push(...local.parts);
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
          });
    if (redis.part !== undefined) parts.push(redis.part);
    const redisUrl = redis.url;
    const { kubeConfig } = loaded;
    logger.info(
      { server: loaded.server, source: loaded.source, redisUrl, kinds: kinds.map((k) => k.id) },
      "krm run",
    );

    const base = { redisUrl, keyPrefix: common.keyPrefix };
    const child = (part: string, kind: KindSpec): Logger => logger.child({ part, kind: kind.id });
    for (const kind of kinds) {
      parts.push(await startAggregator({ ...base, kind, logger: child("aggregator", kind) }));
      parts.push(
        await startStreamer({ ...base, kind, kubeConfig, pageSize: size, logger: child("streamer", kind) }),
      );
      parts.push(
        await startVerifier({
          ...base,
          kind,
          kubeConfig,
          verifyIntervalMs: interval,
          pageSize: size,
          logger: child("verifier", kind),
        }),
      );
    }
    const server = await startApiServer({
      ...base,
      kinds,
      host: api.host,
      port: api.port,
      auth: api.auth,
      allowInsecureNoAuth: api.allowInsecureNoAuth,
      kubeConfig,
      logger: logger.child({ part: "api" }),
    });
    parts.push(server);
    if (influx !== undefined) {
      parts.push(
        await startMetricsExporter({ ...base, kinds, influx, logger: logger.child({ part: "metrics" }) }),
      );
    }
    printWhereToLook(server.url, env);
    return parts;
  } catch (error) {
    await stopAll(parts, logger);
    throw error;
  }
}

/** Stops parts in reverse start order; one failing stop does not keep the others running. */
export async function stopAll(parts: readonly RunningPart[], logger: Logger): Promise<void> {
  for (const part of [...parts].reverse()) {
    try {
      await part.stop();
    } catch (error) {
      logger.warn({ err: error, part: part.name }, "stop failed");
    }
  }
}

function printWhereToLook(url: string, env: NodeJS.ProcessEnv): void {
  if (env["KRM_QUIET"] === "1") return;
  process.stderr.write(
    [
      "",
      `krm is serving on ${url}`,
      `  dashboard:  ${url}/dashboard`,
      `  status:     ${url}/status`,
      `  kubectl:    kubectl --server ${url} get pods -A`,
      "Ctrl-C stops everything krm started.",
      "",
    ].join("\n"),
  );
}
