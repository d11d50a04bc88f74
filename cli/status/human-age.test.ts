import { describe, expect, it } from "vitest";
import { humanAge } from "./human-age.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe("humanAge (kubectl's AGE column)", () => {
  it.each([
    [-5 * S, "<invalid>"],
    [-500, "0s"],
    [0, "0s"],
    [999, "0s"],
    [59 * S, "59s"],
    [119 * S, "119s"],
    [2 * M, "2m"],
    [2 * M + 5 * S, "2m5s"],
    [9 * M + 59 * S, "9m59s"],
    [10 * M + 30 * S, "10m"],
    [179 * M, "179m"],
    [3 * H, "3h"],
    [3 * H + 7 * M, "3h7m"],
    [8 * H + 7 * M, "8h"],
    [47 * H, "47h"],
    [2 * D, "2d"],
    [2 * D + 5 * H, "2d5h"],
    [8 * D + 5 * H, "8d"],
    [729 * D, "729d"],
    [730 * D, "2y"],
    [731 * D, "2y1d"],
    [8 * 365 * D, "8y"],
  ])("%d ms is %s", (ms, text) => {
    expect(humanAge(ms)).toBe(text);
  });
});
