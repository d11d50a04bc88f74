/**
 * `--auth=kubernetes`: the caller's bearer token is checked with a TokenReview for krm's
 * audiences, and each request is authorized with a SubjectAccessReview for the verb, group,
 * resource, namespace, name and selectors it would need on the real API server, so krm never
 * shows what RBAC denies; a wider grant that covers it (covering-requests.ts) is asked first,
 * so a reader allowed a whole resource costs one review per 10 s, not one per object. Answers are kept for at most `MAX_CACHE_TTL_MS` in bounded LRUs
 * (review-cache.ts), keyed by a hash of the token and by the user and attributes; a revoked
 * permission takes effect within that time. Identical reviews in flight are merged, each has
 * a deadline (review-client.ts), and at most `MAX_REVIEWS_IN_FLIGHT` run at once.
 */
import { hash } from "node:crypto";
import type { KubeAccess } from "../../core/kube-access.js";
import { LRUCache } from "lru-cache";
import type { Logger } from "../../core/logger.js";
import { ApiError, TooManyRequestsError, UnauthorizedError } from "../errors.js";
import type { RecognizingGuard } from "./failure-limited-guard.js";
import { coveringRequests } from "./covering-requests.js";
import { ReviewCache } from "./review-cache.js";
import { REVIEW_TIMEOUT_MS, reviewPoster, type ReviewPoster } from "./review-client.js";
import { forbidden, subjectAccessReview, type AccessRequest } from "./subject-access-review.js";
import { bearerToken, type ResourceAttributes, type UserInfo } from "./types.js";

/** The issue caps caching of auth decisions at 10 s. */
export const MAX_CACHE_TTL_MS = 10_000;
export const DEFAULT_CACHE_TTL_MS = 10_000;
/** The audience `kubectl create token SA --audience krm` mints tokens for. */
export const DEFAULT_AUDIENCES: readonly string[] = ["krm"];
/** Entries per cache: tens of bytes each, so a flood costs a few MB at most. */
const MAX_CACHED_DECISIONS = 10_000;
/** Reviews sent at once, merged ones counted once; beyond this a request is answered 429. */
export const MAX_REVIEWS_IN_FLIGHT = 64;
/** How long a token once found valid lets its holder through a rate-limited address. */
const RECOGNIZED_TTL_MS = 60 * 60 * 1000;

export interface KubernetesGuardOptions {
  readonly kubeConfig: KubeAccess;
  readonly logger: Logger;
  readonly cacheTtlMs?: number;
  readonly audiences?: readonly string[];
  readonly reviewTimeoutMs?: number;
  readonly now?: () => number;
  /** Replaces the HTTP POST to the API server (tests). */
  readonly post?: ReviewPoster;
}

type Authenticated = { ok: true; user: UserInfo } | { ok: false };
type Decision = { allowed: true } | { allowed: false; reason: string };

interface TokenReviewStatus {
  readonly authenticated?: boolean;
  readonly audiences?: readonly string[];
  readonly user?: {
    readonly username?: string;
    readonly uid?: string;
    readonly groups?: readonly string[];
    readonly extra?: Record<string, readonly string[]>;
  };
}

export function kubernetesGuard(options: KubernetesGuardOptions): RecognizingGuard {
  const ttlMs = Math.min(options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS, MAX_CACHE_TTL_MS);
  const audiences = options.audiences ?? DEFAULT_AUDIENCES;
  const post = options.post ?? reviewPoster(options.kubeConfig, options.reviewTimeoutMs ?? REVIEW_TIMEOUT_MS);
  const cacheOptions = { max: MAX_CACHED_DECISIONS, ttlMs, ...(options.now ? { now: options.now } : {}) };
  const tokens = new ReviewCache<Authenticated>(cacheOptions);
  const decisions = new ReviewCache<Decision>(cacheOptions);
  const recognized = new LRUCache<string, true>({ max: MAX_CACHED_DECISIONS, ttl: RECOGNIZED_TTL_MS });
  let inFlight = 0;

  const review = async (what: string, path: string, body: unknown): Promise<unknown> => {
    if (inFlight >= MAX_REVIEWS_IN_FLIGHT)
      throw new TooManyRequestsError(`too many ${what}s in flight; retry shortly`, 1);
    inFlight += 1;
    try {
      return await post(path, body);
    } catch (error) {
      options.logger.error({ err: error }, `${what} failed`);
      throw new ApiError(503, "ServiceUnavailable", `${what} against the API server failed`);
    } finally {
      inFlight -= 1;
    }
  };

  /**
   * The user part of a decision's key, stringified once per user object: the token cache hands
   * out the same object for a token while its answer is kept, so a request stringifies only
   * its own attributes.
   */
  const userKeys = new WeakMap<UserInfo, string>();
  const userKey = (user: UserInfo): string => {
    let key = userKeys.get(user);
    if (key === undefined) {
      key = JSON.stringify([user.username, user.uid, user.groups, user.extra]);
      userKeys.set(user, key);
    }
    return key;
  };

  const decide = (user: UserInfo, request: AccessRequest): Promise<Decision> => {
    // Two JSON texts side by side are unambiguous (the first ends where its brackets close).
    const key = userKey(user) + JSON.stringify(request);
    return decisions.get(key, async () => {
      const answer = (await review(
        "SubjectAccessReview",
        "/apis/authorization.k8s.io/v1/subjectaccessreviews",
        subjectAccessReview(user, request),
      )) as { status?: { allowed?: boolean; reason?: string } };
      return answer.status?.allowed === true
        ? { allowed: true }
        : { allowed: false, reason: answer.status?.reason ?? "" };
    });
  };

  /** A read is allowed by the first covering request allowed (covering-requests.ts); the exact one decides. */
  const authorizeResource = async (user: UserInfo, exact: ResourceAttributes): Promise<void> => {
    for (const resource of coveringRequests(exact)) {
      const decision = await decide(user, { resource });
      if (decision.allowed) return;
      if (resource === exact) throw forbidden(user, { resource }, decision.reason);
    }
  };

  /** `key` is `tokenHash(token)`, computed once per request by the caller. */
  const authenticateToken = async (token: string, key: string): Promise<UserInfo> => {
    const result = await tokens.get(key, async () => {
      const answer = (await review("TokenReview", "/apis/authentication.k8s.io/v1/tokenreviews", {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token, audiences: [...audiences] },
      })) as { status?: TokenReviewStatus };
      return authenticated(answer.status, audiences);
    });
    if (!result.ok) throw new UnauthorizedError();
    recognized.set(key, true);
    return result.user;
  };

  return {
    recognize(token) {
      const key = tokenHash(token);
      return {
        withoutReview: recognized.get(key) === true || tokens.peek(key) !== undefined,
        authenticate: () => authenticateToken(token, key),
      };
    },

    authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) return Promise.reject(new UnauthorizedError());
      return authenticateToken(token, tokenHash(token));
    },

    authorize: authorizeResource,
    async authorizePath(user, path) {
      const decision = await decide(user, { path });
      if (!decision.allowed) throw forbidden(user, { path }, decision.reason);
    },
  };
}

/** A token's cache key: its SHA-256, so the caches never hold a raw token. */
function tokenHash(token: string): string {
  return hash("sha256", token, "hex");
}

/**
 * A TokenReview's verdict. With audiences asked for, the answer must name one of them: an
 * authenticator that ignores audiences answers without, and its yes cannot be trusted to
 * mean "minted for krm" (the TokenReview API asks clients to check this).
 */
export function authenticated(
  status: TokenReviewStatus | undefined,
  audiences: readonly string[],
): Authenticated {
  const user = status?.user;
  if (status?.authenticated !== true || user?.username === undefined) return { ok: false };
  if (audiences.length > 0 && !(status.audiences ?? []).some((a) => audiences.includes(a)))
    return { ok: false };
  return {
    ok: true,
    user: {
      username: user.username,
      ...(user.uid !== undefined ? { uid: user.uid } : {}),
      groups: user.groups ?? [],
      ...(user.extra !== undefined ? { extra: user.extra } : {}),
    },
  };
}
