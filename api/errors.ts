/**
 * Typed errors of the HTTP API. Handlers throw them; one error middleware
 * (`http/error-response.ts`) maps them to a Kubernetes `Status` with the same code and
 * reason the real API server would use. Anything else thrown is a bug and becomes a 500.
 */

/** Kubernetes `StatusReason` values krm answers with. */
export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Invalid"
  | "UnsupportedMediaType"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "Gone"
  | "Expired"
  | "RequestEntityTooLarge"
  | "TooManyRequests"
  | "ServiceUnavailable"
  | "Timeout"
  | "InternalError";

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly { readonly reason: string; readonly message: string }[];
}

export interface ApiErrorOptions extends ErrorOptions {
  /** Answered as `Retry-After` (429, 503): when the client may try again. */
  readonly retryAfterSeconds?: number;
}

export class ApiError extends Error {
  /** The class's own name (`NotFoundError`, …), for logs and stack traces. */
  override readonly name: string;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: ApiErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

/** The base of an error class that always answers `code` and `reason`: `new NotFoundError(message, details?)`. */
function fixedStatus(code: number, reason: StatusReason) {
  return class extends ApiError {
    constructor(message: string, details?: StatusDetails) {
      super(code, reason, message, details);
    }
  };
}

/** Likewise, with `Retry-After`: `new ServiceUnavailableError(message, retryAfterSeconds)`. */
function retryLaterStatus(code: number, reason: StatusReason) {
  return class extends ApiError {
    constructor(message: string, retryAfterSeconds: number) {
      super(code, reason, message, undefined, { retryAfterSeconds });
    }
  };
}

/** 400: a malformed selector, parameter or token. */
export class BadRequestError extends fixedStatus(400, "BadRequest") {}

/** 401: no credentials, or ones krm does not accept. */
export class UnauthorizedError extends fixedStatus(401, "Unauthorized") {
  constructor(message = "Unauthorized") {
    super(message);
  }
}

export class ForbiddenError extends fixedStatus(403, "Forbidden") {}

/** 404: an unknown path, kind, or object. */
export class NotFoundError extends fixedStatus(404, "NotFound") {}

/** 405: krm is read-only. */
export class MethodNotAllowedError extends fixedStatus(405, "MethodNotAllowed") {
  constructor(method: string) {
    super(`the server does not allow this method on the requested resource: ${method} (krm is read-only)`);
  }
}

/** 409: a name already taken (AlreadyExists) or a request the current state refuses (Conflict). */
export class ConflictError extends ApiError {
  constructor(reason: "AlreadyExists" | "Conflict", message: string, details?: StatusDetails) {
    super(409, reason, message, details);
  }
}

/** 410 Gone for a watch resume older than the change history ("too old resource version"). */
export class GoneError extends fixedStatus(410, "Gone") {}

/** 410 Expired for a continue token or an exact resourceVersion no longer reconstructible. */
export class ExpiredError extends fixedStatus(410, "Expired") {}

/** 413 for a request body beyond the limit. */
export class EntityTooLargeError extends fixedStatus(413, "RequestEntityTooLarge") {}

/** 414 for a request URI beyond the limit. */
export class UriTooLongError extends fixedStatus(414, "RequestEntityTooLarge") {
  constructor(length: number, max: number) {
    super(`request URI of ${length} bytes exceeds the limit of ${max}`);
  }
}

/** 415 for a body that is not JSON. */
export class UnsupportedMediaTypeError extends fixedStatus(415, "UnsupportedMediaType") {}

/** 422: a well-formed object whose fields are not valid; `causes` name each field. */
export class InvalidError extends fixedStatus(422, "Invalid") {}

/** 429 with `Retry-After`: a client over a limit (failed logins, watches); it may retry later. */
export class TooManyRequestsError extends retryLaterStatus(429, "TooManyRequests") {}

/** 503 with `Retry-After`: a kind not verified yet, or a replica still catching up. */
export class ServiceUnavailableError extends retryLaterStatus(503, "ServiceUnavailable") {}

/** The Kubernetes `Status` object for an error. */
export interface KubeStatusBody {
  readonly kind: "Status";
  readonly apiVersion: "v1";
  readonly metadata: Record<string, never>;
  readonly status: "Failure";
  readonly message: string;
  readonly reason: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** Maps any thrown value to a Status; unknown errors become a 500 that does not leak internals. */
export function statusOf(error: unknown): KubeStatusBody {
  if (error instanceof ApiError) {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: error.message,
      reason: error.reason,
      ...(error.details !== undefined ? { details: error.details } : {}),
      code: error.code,
    };
  }
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "internal error",
    reason: "InternalError",
    code: 500,
  };
}
