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

export class ApiError extends Error {
  override readonly name: string = "ApiError";
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 400: a malformed selector, parameter or token. */
export class BadRequestError extends ApiError {
  override readonly name = "BadRequestError";
  constructor(message: string, options?: ErrorOptions) {
    super(400, "BadRequest", message, undefined, options);
  }
}

export class UnauthorizedError extends ApiError {
  override readonly name = "UnauthorizedError";
  constructor(message = "Unauthorized") {
    super(401, "Unauthorized", message);
  }
}

export class ForbiddenError extends ApiError {
  override readonly name = "ForbiddenError";
  constructor(message: string, details?: StatusDetails) {
    super(403, "Forbidden", message, details);
  }
}

/** 404: an unknown path, kind, or object. */
export class NotFoundError extends ApiError {
  override readonly name = "NotFoundError";
  constructor(message: string, details?: StatusDetails) {
    super(404, "NotFound", message, details);
  }
}

/** 405: krm is read-only. */
export class MethodNotAllowedError extends ApiError {
  override readonly name = "MethodNotAllowedError";
  constructor(method: string) {
    super(
      405,
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource: ${method} (krm is read-only)`,
    );
  }
}

/** 409: a name already taken (AlreadyExists) or a request the current state refuses (Conflict). */
export class ConflictError extends ApiError {
  override readonly name = "ConflictError";
  constructor(reason: "AlreadyExists" | "Conflict", message: string, details?: StatusDetails) {
    super(409, reason, message, details);
  }
}

/** 422: a well-formed object whose fields are not valid; `causes` name each field. */
export class InvalidError extends ApiError {
  override readonly name = "InvalidError";
  constructor(message: string, details?: StatusDetails) {
    super(422, "Invalid", message, details);
  }
}

/** 413 for a request body beyond the limit. */
export class EntityTooLargeError extends ApiError {
  override readonly name = "EntityTooLargeError";
  constructor(message: string) {
    super(413, "RequestEntityTooLarge", message);
  }
}

/** 415 for a body that is not JSON. */
export class UnsupportedMediaTypeError extends ApiError {
  override readonly name = "UnsupportedMediaTypeError";
  constructor(message: string) {
    super(415, "UnsupportedMediaType", message);
  }
}

/** 410 Gone for a watch resume older than the change history ("too old resource version"). */
export class GoneError extends ApiError {
  override readonly name = "GoneError";
  constructor(message: string) {
    super(410, "Gone", message);
  }
}

/** 410 Expired for a continue token whose list position is no longer reconstructible. */
export class ExpiredError extends ApiError {
  override readonly name = "ExpiredError";
  constructor(message: string) {
    super(410, "Expired", message);
  }
}

export class UriTooLongError extends ApiError {
  override readonly name = "UriTooLongError";
  constructor(length: number, max: number) {
    super(414, "RequestEntityTooLarge", `request URI of ${length} bytes exceeds the limit of ${max}`);
  }
}

/** 429 with `Retry-After`: a client over a limit (failed logins, watches); it may retry later. */
export class TooManyRequestsError extends ApiError {
  override readonly name = "TooManyRequestsError";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, "TooManyRequests", message);
  }
}

/** 503 with `Retry-After`: a kind not verified yet, or a replica still catching up. */
export class ServiceUnavailableError extends ApiError {
  override readonly name = "ServiceUnavailableError";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(503, "ServiceUnavailable", message);
  }
}

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
