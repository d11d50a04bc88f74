import { describe, expect, it } from "vitest";
import {
  BadRequestError,
  ExpiredError,
  ForbiddenError,
  GoneError,
  MethodNotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
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
});
