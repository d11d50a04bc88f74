/**
 * `--auth=kubernetes`: the caller's bearer token is checked with a TokenReview, and each
 * request is authorized with a SubjectAccessReview for the verb, group, resource and
 * namespace it would need on the real API server, so krm never shows what RBAC denies.
 * Decisions are cached for at most `MAX_CACHE_TTL_MS`, keyed by a hash of the token and by
 * the user and attributes; a revoked permission takes effect within that time.
 */
import { createHash } from "node:crypto";
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../../core/logger.js";
import { ApiError, ForbiddenError, UnauthorizedError } from "../errors.js";
import { TtlCache } from "./ttl-cache.js";
import { bearerToken, type RequestGuard, type ResourceAttributes, type UserInfo } from "./types.js";

/** The issue caps caching of auth decisions at 10 s. */
export const MAX_CACHE_TTL_MS = 10_000;
export const DEFAULT_CACHE_TTL_MS = 10_000;
const MAX_CACHED_DECISIONS = 10_000;

export interface KubernetesGuardOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  readonly cacheTtlMs?: number;
  readonly now?: () => number;
}

type Authenticated = { ok: true; user: UserInfo } | { ok: false };
type Decision = { allowed: true } | { allowed: false; reason: string };

export function kubernetesGuard(options: KubernetesGuardOptions): RequestGuard {
  const ttl = Math.min(options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, MAX_CACHE_TTL_MS);
  const authentication = options.kubeConfig.makeApiClient(AuthenticationV1Api);
  const authorization = options.kubeConfig.makeApiClient(AuthorizationV1Api);
  const tokens = new TtlCache<Authenticated>(ttl, MAX_CACHED_DECISIONS, options.now);
  const decisions = new TtlCache<Decision>(ttl, MAX_CACHED_DECISIONS, options.now);

  const unavailable = (what: string, error: unknown): ApiError => {
    options.logger.error({ err: error }, `${what} failed`);
    return new ApiError(503, "ServiceUnavailable", `${what} against the API server failed`);
  };

  return {
    async authenticate(header) {
      const token = bearerToken(header);
      if (token === undefined) throw new UnauthorizedError();
      const key = createHash("sha256").update(token).digest("hex");
      let result = tokens.get(key);
      if (result === undefined) {
        const review = await authentication
          .createTokenReview({ body: { spec: { token } } })
          .catch((error: unknown) => {
            throw unavailable("TokenReview", error);
          });
        const status = review.status;
        const user = status?.user;
        result =
          status?.authenticated === true && user?.username !== undefined
            ? {
                ok: true,
                user: {
                  username: user.username,
                  ...(user.uid !== undefined ? { uid: user.uid } : {}),
                  groups: user.groups ?? [],
                  ...(user.extra !== undefined ? { extra: user.extra } : {}),
                },
              }
            : { ok: false };
        tokens.set(key, result);
      }
      if (!result.ok) throw new UnauthorizedError();
      return result.user;
    },

    async authorize(user, attributes) {
      const key = JSON.stringify([user.username, user.uid, user.groups, user.extra, attributes]);
      let decision = decisions.get(key);
      if (decision === undefined) {
        const review = await authorization
          .createSubjectAccessReview({
            body: {
              spec: {
                user: user.username,
                ...(user.uid !== undefined ? { uid: user.uid } : {}),
                groups: [...user.groups],
                ...(user.extra !== undefined
                  ? { extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])) }
                  : {}),
                resourceAttributes: {
                  verb: attributes.verb,
                  group: attributes.group,
                  version: attributes.version,
                  resource: attributes.resource,
                  namespace: attributes.namespace,
                  ...(attributes.name !== undefined ? { name: attributes.name } : {}),
                },
              },
            },
          })
          .catch((error: unknown) => {
            throw unavailable("SubjectAccessReview", error);
          });
        decision =
          review.status?.allowed === true
            ? { allowed: true }
            : { allowed: false, reason: review.status?.reason ?? "" };
        decisions.set(key, decision);
      }
      if (!decision.allowed) throw forbidden(user, attributes, decision.reason);
    },
  };
}

/** The API server's wording: `pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "b"`. */
function forbidden(user: UserInfo, a: ResourceAttributes, reason: string): ForbiddenError {
  const resource = a.group === "" ? a.resource : `${a.resource}.${a.group}`;
  const subject = a.name !== undefined ? `${resource} "${a.name}"` : resource;
  const scope = a.namespace === "" ? "at the cluster scope" : `in the namespace "${a.namespace}"`;
  const why = reason !== "" ? `: ${reason}` : "";
  return new ForbiddenError(
    `${subject} is forbidden: User "${user.username}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}" ${scope}${why}`,
    {
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.group !== "" ? { group: a.group } : {}),
      kind: a.resource,
    },
  );
}
