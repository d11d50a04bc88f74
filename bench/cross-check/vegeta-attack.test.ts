import { describe, expect, it } from "vitest";
import { plainTarget, withBearer } from "../http-target.js";
import { ONE_CLIENT } from "./cross-check-options.js";
import { rateArgs, vegetaTargets } from "./vegeta-attack.js";

describe("vegetaTargets", () => {
  it("writes one block per path with the bench client's headers and the target's token", () => {
    const krm = withBearer(plainTarget("krm", "http://127.0.0.1:8080"), "krm", "tok");
    expect(vegetaTargets(krm, ["/api/v1/pods", "/api/v1/pods?labelSelector=app%3Dapp-00&resourceVersion=0"]))
      .toBe(`GET http://127.0.0.1:8080/api/v1/pods
Accept: application/json
Accept-Encoding: identity
authorization: Bearer tok

GET http://127.0.0.1:8080/api/v1/pods?labelSelector=app%3Dapp-00&resourceVersion=0
Accept: application/json
Accept-Encoding: identity
authorization: Bearer tok
`);
  });

  it("sends no authorization header for a target without a token", () => {
    expect(vegetaTargets(plainTarget("krm", "http://127.0.0.1:8080"), ["/healthz"])).not.toMatch(
      /authorization/i,
    );
  });

  it("asks vegeta for a constant rate, or for one worker in a closed loop", () => {
    expect(rateArgs({ perSecond: 5, seconds: 40 })).toEqual(["-rate", "5/1s"]);
    expect(rateArgs({ perSecond: ONE_CLIENT, seconds: 90 })).toEqual([
      "-rate",
      "0",
      "-workers",
      "1",
      "-max-workers",
      "1",
    ]);
  });
});
