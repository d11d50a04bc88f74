import { describe, expect, it } from "vitest";
import { statusOfBody } from "./status-body.js";

describe("statusOfBody", () => {
  it("returns the server's Status object whole", () => {
    const status = {
      kind: "Status",
      code: 404,
      reason: "NotFound",
      message: 'pods "x" not found',
      details: {},
    };
    expect(statusOfBody(JSON.stringify(status), 404, "Not Found")).toEqual(status);
  });

  it("synthesizes a Status from a body that is not a JSON object", () => {
    expect(statusOfBody("<html>bad gateway</html>", 502, "Bad Gateway")).toEqual({
      code: 502,
      message: "<html>bad gateway</html>",
    });
    expect(statusOfBody("[1,2]", 500, "")).toEqual({ code: 500, message: "[1,2]" });
    expect(statusOfBody("null", 500, "x")).toEqual({ code: 500, message: "null" });
  });

  it("falls back to the status text for an empty body, and cuts a long one", () => {
    expect(statusOfBody("", 503, "Service Unavailable")).toEqual({
      code: 503,
      message: "Service Unavailable",
    });
    expect(statusOfBody("", 503, undefined)).toEqual({ code: 503, message: "" });
    expect(statusOfBody("x".repeat(2000), 500, "")).toEqual({ code: 500, message: "x".repeat(500) });
  });
});
