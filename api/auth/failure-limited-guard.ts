import { TooManyRequestsError, UnauthorizedError } from "../errors.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { bearerToken, type RequestGuard } from "./types.js";

/** A guard that can tell when a token costs no review: its answer is kept, or it was valid recently. */
export interface RecognizingGuard extends RequestGuard {
  answersWithoutReview?(authorization: string | undefined): boolean;
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
      if (bearerToken(authorization) === undefined || inner.answersWithoutReview?.(authorization) === true)
        return inner.authenticate(authorization, client);
      const address = client?.address ?? "";
      const wait = limiter.take(address);
      if (wait > 0) {
        throw new TooManyRequestsError(
          `too many failed authentications from this address; retry in ${wait} s`,
          wait,
        );
      }
      try {
        const user = await inner.authenticate(authorization, client);
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
