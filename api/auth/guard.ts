import type { KubeAccess } from "../../core/kube-access.js";
import type { Logger } from "../../core/logger.js";
import { FailureLimiter } from "./failure-limiter.js";
import { failureLimitedGuard } from "./failure-limited-guard.js";
import { kubernetesGuard } from "./kubernetes-guard.js";
import { tokenFileGuard } from "./token-file.js";
import type { AuthOptions, RequestGuard } from "./types.js";

export class AuthConfigError extends Error {
  override readonly name = "AuthConfigError";
}

/** `none`: everyone is anonymous and may read everything (only safe on loopback). */
const OPEN_GUARD: RequestGuard = {
  authenticate: () => Promise.resolve({ username: "system:anonymous", groups: ["system:unauthenticated"] }),
  authorize: () => Promise.resolve(),
  authorizePath: () => Promise.resolve(),
};

/** The guard of an auth mode; failed authentications are rate-limited per client address. */
export async function createGuard(
  auth: AuthOptions,
  kubeConfig: KubeAccess | undefined,
  logger: Logger,
): Promise<RequestGuard> {
  switch (auth.mode) {
    case "none":
      return OPEN_GUARD;
    case "token":
      return failureLimitedGuard(
        await tokenFileGuard(auth.tokensFile, {
          logger,
          ...(auth.policyFile !== undefined ? { policyFile: auth.policyFile } : {}),
          ...(auth.reloadIntervalMs !== undefined ? { reloadIntervalMs: auth.reloadIntervalMs } : {}),
        }),
        new FailureLimiter(),
      );
    case "kubernetes":
      if (kubeConfig === undefined)
        throw new AuthConfigError("auth=kubernetes needs a kubeconfig to reach the API server");
      return failureLimitedGuard(
        kubernetesGuard({
          kubeConfig,
          logger,
          ...(auth.cacheTtlMs !== undefined ? { cacheTtlMs: auth.cacheTtlMs } : {}),
          ...(auth.audiences !== undefined ? { audiences: auth.audiences } : {}),
          ...(auth.reviewTimeoutMs !== undefined ? { reviewTimeoutMs: auth.reviewTimeoutMs } : {}),
        }),
        new FailureLimiter(),
      );
  }
}
