import { TooManyRequestsError, UnauthorizedError } from "../errors.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { bearerToken, type RequestGuard, type UserInfo } from "./types.js";

/** A bearer token as a recognizing guard sees it: hashed once, for both steps below. */
export interface RecognizedToken {
  /** True when checking it costs no review: its answer is kept, or it was valid recently. */
  readonly withoutReview: boolean;
  /** The guard's `authenticate` for this token, reusing its hash. */
  authenticate(): Promise<UserInfo>;
}

/** A guard that can tell when a token costs no review, before it is checked. */
export interface RecognizingGuard extends RequestGuard {
  recognize?(token: string): RecognizedToken;
}

/**
 * Answers 429 (with Retry-After) to a client address that failed authentication too often,
 * before its token costs anything. A token the guard answers without a review passes
 * uncounted: a recently valid one, so a legitimate user sharing the address (a NAT, an
 * ingress) keeps working, and a known bad one, which gets its 401 for free.
 * Every attempt with an unrecognized token takes from the budget up front (so a burst of
 * concurrent guesses is bounded too) and gets it back unless it failed. Requests without a
 * token fail for free and are not counted.
 */
export function failureLimitedGuard(inner: RecognizingGuard, limiter: FailureLimiter): RequestGuard {
  return {
    async authenticate(authorization, client) {
      const token = bearerToken(authorization);
      if (token === undefined) return inner.authenticate(authorization, client);
      const recognized = inner.recognize?.(token);
      if (recognized?.withoutReview === true) return recognized.authenticate();
      const address = client?.address ?? "";
      const wait = limiter.take(address);
      if (wait > 0) {
        throw new TooManyRequestsError(
          `too many failed authentications from this address; retry in ${wait} s`,
          wait,
        );
      }
      try {
        const user = await (recognized !== undefined
          ? recognized.authenticate()
          : inner.authenticate(authorization, client));
        limiter.refund(address);
        return user;
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) limiter.refund(address);
        throw error;
      }
    },
    authorize: (user, attributes) => inner.authorize(user, attributes),
    authorizePath: (user, path) => inner.authorizePath(user, path),
  };
}
