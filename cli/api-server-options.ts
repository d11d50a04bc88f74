import type { ApiServerOptions } from "../api/index.js";
import type { Logger } from "../core/logger.js";
import { usageViews } from "../usage/views/usage-views.js";
import { derivedViewsOf } from "./capacity-config.js";
import type { ApiConfig } from "./config.js";
import type { FlagValues } from "./parse-flags.js";
import { usageViewsOptions } from "./usage-config.js";

/** What the flags decide about the API server; the command adds the kinds, Redis and the kubeconfig. */
export type ApiServerFlagOptions = Omit<ApiServerOptions, "kinds" | "redisUrl" | "keyPrefix" | "kubeConfig">;

/** The API server's options from its flags, the same for `krm api` and `krm run`. */
export function apiServerOptions(api: ApiConfig, values: FlagValues, logger: Logger): ApiServerFlagOptions {
  return {
    host: api.host,
    port: api.port,
    auth: api.auth,
    allowInsecureNoAuth: api.allowInsecureNoAuth,
    allowedHosts: api.allowedHosts,
    ...(api.tls !== undefined ? { tls: api.tls } : {}),
    allowInsecureHttp: api.allowInsecureHttp,
    watchLimits: { maxWatches: api.maxWatches, maxWatchesPerUser: api.maxWatchesPerUser },
    derivedViews: [...(derivedViewsOf(values).derivedViews ?? []), usageViews(usageViewsOptions(values))],
    logger: logger.child({ part: "api" }),
  };
}
