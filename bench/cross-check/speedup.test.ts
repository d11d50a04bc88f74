import { describe, expect, it } from "vitest";
import type { ReadKind, ReadTarget } from "../phases/read-phase.js";
import { roundSpeedup, speedupsByRead, type AttackP50 } from "./speedup.js";

const attack = (round: number, kind: ReadKind, target: ReadTarget, p50Ms: number): AttackP50 => ({
  round,
  kind,
  target,
  figures: { p50Ms },
});

describe("roundSpeedup", () => {
  it("divides the faster API server read's p50 by krm's", () => {
    expect(roundSpeedup(1, { krm: 2, "apiserver-rv0": 10, "apiserver-consistent": 12 })).toMatchObject({
      fasterApiServer: "apiserver-rv0",
      ratio: 5,
    });
    expect(roundSpeedup(1, { krm: 4, "apiserver-rv0": 21, "apiserver-consistent": 19 })).toMatchObject({
      fasterApiServer: "apiserver-consistent",
      ratio: 4.75,
    });
  });

  it("has no ratio when krm's p50 is zero", () => {
    expect(roundSpeedup(1, { krm: 0, "apiserver-rv0": 1, "apiserver-consistent": 1 }).ratio).toBeNull();
  });
});

describe("speedupsByRead", () => {
  const round = (n: number, kind: ReadKind, krm: number, rv0: number, consistent: number): AttackP50[] => [
    attack(n, kind, "krm", krm),
    attack(n, kind, "apiserver-rv0", rv0),
    attack(n, kind, "apiserver-consistent", consistent),
  ];

  it("gives each round's ratio and their median and range, per read", () => {
    const attacks = [
      ...round(1, "namespace-list", 2, 10, 11),
      ...round(1, "full-list", 100, 480, 470),
      ...round(2, "namespace-list", 2, 11, 10.4),
      ...round(3, "namespace-list", 2, 10.8, 12),
    ];
    const byRead = speedupsByRead(attacks, ["namespace-list", "full-list"]);
    expect(byRead["namespace-list"]?.rounds.map((r) => r.ratio)).toEqual([5, 5.2, 5.4]);
    expect(byRead["namespace-list"]?.ratio).toEqual({ n: 3, min: 5, median: 5.2, max: 5.4 });
    expect(byRead["full-list"]?.ratio).toEqual({ n: 1, min: 4.7, median: 4.7, max: 4.7 });
  });

  it("leaves out a round with a side missing or failed, and a read with no whole round", () => {
    const attacks = [
      ...round(1, "get", 1, 3, 4),
      attack(2, "get", "krm", 1),
      attack(2, "get", "apiserver-rv0", 3),
      { ...attack(2, "get", "apiserver-consistent", 1), failure: "1× HTTP 500" },
      attack(1, "selector-list", "krm", 1),
    ];
    const byRead = speedupsByRead(attacks, ["get", "selector-list"]);
    expect(byRead.get?.rounds.map((r) => r.round)).toEqual([1]);
    expect(byRead["selector-list"]).toBeUndefined();
  });
});
