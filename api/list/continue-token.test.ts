import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import { decodeContinue, encodeContinue } from "./continue-token.js";

const position = {
  kind: "pods",
  epoch: "e1",
  position: "1700000000000-3",
  resourceVersion: "42",
  lastKey: "ns/pod-9",
};

describe("continue tokens", () => {
  it("round-trips a position", () => {
    expect(decodeContinue(encodeContinue(position), "pods")).toEqual(position);
  });

  it("400 when the token belongs to another kind", () => {
    expect(() => decodeContinue(encodeContinue(position), "nodes")).toThrow(/another resource/);
  });

  it.each([
    "",
    "not a token!",
    "eyJ2IjoxfQ",
    Buffer.from("[]").toString("base64url"),
    Buffer.from("{bad json").toString("base64url"),
    encodeContinue({ ...position, position: "x-1" }),
    encodeContinue({ ...position, resourceVersion: "-1" }),
    encodeContinue({ ...position, lastKey: "" }),
    "A".repeat(5000),
  ])("400 when the token %j is forged", (token) => {
    expect(() => decodeContinue(token, "pods")).toThrow(BadRequestError);
  });
});
