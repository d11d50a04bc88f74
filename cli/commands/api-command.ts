import { startApiServer } from "../../api/index.js";
import { derivedViewsOf } from "../capacity-config.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { apiConfig, commonConfig, kindsConfig } from "../config.js";
import { loadKubeConfig, requireKubeConfig } from "../load-kubeconfig.js";
import { usageViewsOptions } from "../usage-config.js";
import { usageViews } from "../../usage/views/usage-views.js";
import type { FlagValues } from "../parse-flags.js";

/** `krm api`: the kubeconfig is needed only for --auth=kubernetes. */
export async function apiCommand(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<RunningPart[]> {
  const common = commonConfig(values);
  const kinds = kindsConfig(values);
  const api = apiConfig(values);
  const loaded =
    api.auth.mode === "kubernetes"
      ? requireKubeConfig(common.kubeconfig, env)
      : loadKubeConfig(common.kubeconfig, env);
  const server = await startApiServer({
    kinds,
    redisUrl: common.redisUrl,
    keyPrefix: common.keyPrefix,
    host: api.host,
    port: api.port,
    auth: api.auth,
    allowInsecureNoAuth: api.allowInsecureNoAuth,
    allowedHosts: api.allowedHosts,
    ...(api.tls !== undefined ? { tls: api.tls } : {}),
    allowInsecureHttp: api.allowInsecureHttp,
    watchLimits: { maxWatches: api.maxWatches, maxWatchesPerUser: api.maxWatchesPerUser },
    ...(loaded === undefined ? {} : { kubeConfig: loaded.kubeConfig }),
    derivedViews: [...(derivedViewsOf(values).derivedViews ?? []), usageViews(usageViewsOptions(values))],
    logger: logger.child({ part: "api" }),
  });
  logger.info({ url: server.url, auth: api.auth.mode, kinds: kinds.map((k) => k.id) }, "api listening");
  return [server];
}
