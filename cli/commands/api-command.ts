import { startApiServer } from "../../api/index.js";
import { apiServerOptions } from "../api-server-options.js";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { apiConfig, commonConfig, kindsConfig } from "../config.js";
import { loadKubeConfig, requireKubeConfig } from "../load-kubeconfig.js";
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
    ...(loaded === undefined ? {} : { kubeConfig: loaded.kubeConfig }),
    ...apiServerOptions(api, values, logger),
  });
  logger.info({ url: server.url, auth: api.auth.mode, kinds: kinds.map((k) => k.id) }, "api listening");
  return [server];
}
