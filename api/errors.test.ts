import { describe, expect, it } from "vitest";
import {
  ApiError,
  BadRequestError,
  ConflictError,
  EntityTooLargeError,
  ExpiredError,
  ForbiddenError,
  GoneError,
  MethodNotAllowedError,
  InvalidError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UriTooLongError,
  statusOf,
} from "./errors.js";

describe("statusOf", () => {
  it.each([
    [new BadRequestError("bad selector"), 400, "BadRequest"],
    [new UnauthorizedError(), 401, "Unauthorized"],
    [new ForbiddenError("no"), 403, "Forbidden"],
    [new NotFoundError("gone"), 404, "NotFound"],
    [new MethodNotAllowedError("POST"), 405, "MethodNotAllowed"],
    [new GoneError("too old resource version"), 410, "Gone"],
    [new ExpiredError("continue expired"), 410, "Expired"],
    [new UriTooLongError(20_000, 16_384), 414, "RequestEntityTooLarge"],
    [new ConflictError("AlreadyExists", "taken"), 409, "AlreadyExists"],
    [new EntityTooLargeError("too large"), 413, "RequestEntityTooLarge"],
    [new UnsupportedMediaTypeError("not JSON"), 415, "UnsupportedMediaType"],
    [new InvalidError("bad field"), 422, "Invalid"],
    [new TooManyRequestsError("slow down", 1), 429, "TooManyRequests"],
    [new ServiceUnavailableError("not verified", 2), 503, "ServiceUnavailable"],
  ])("maps %s to a %i Status", (error, code, reason) => {
    expect(statusOf(error)).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: error.message,
      reason,
      code,
    });
  });

  it("maps unknown errors to a 500 that does not leak their message", () => {
    expect(statusOf(new Error("secret internals"))).toMatchObject({
      code: 500,
      reason: "InternalError",
      message: "internal error",
    });
    expect(statusOf("a string")).toMatchObject({ code: 500 });
  });

  it("carries details", () => {
    expect(statusOf(new NotFoundError('pods "x" not found', { name: "x", kind: "pods" })).details).toEqual({
      name: "x",
      kind: "pods",
    });
  });

  it("names each error after its class, and only 429 and 503 carry Retry-After", () => {
    const errors = [
      new NotFoundError("gone"),
      new TooManyRequestsError("slow down", 3),
      new ApiError(504, "Timeout", "late"),
    ];
    expect(errors.map((e) => [e.name, e.retryAfterSeconds])).toEqual([
      ["NotFoundError", undefined],
      ["TooManyRequestsError", 3],
      ["ApiError", undefined],
    ]);
    expect(new UnauthorizedError().message).toBe("Unauthorized");
    expect(new MethodNotAllowedError("POST")).toBeInstanceOf(ApiError);
  });
});
