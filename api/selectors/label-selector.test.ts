import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import { parseLabelSelector } from "./label-selector.js";

const labels = { app: "web", tier: "front", "example.com/team": "a", n: "5" };

describe("parseLabelSelector", () => {
  it.each([
    ["", true],
    ["app", true],
    ["!app", false],
    ["missing", false],
    ["!missing", true],
    ["app=web", true],
    ["app==web", true],
    ["app = web", true],
    ["app=db", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (web,db)", true],
    ["app in (db)", false],
    ["app notin (db, cache)", true],
    ["app notin (web)", false],
    ["missing notin (web)", true],
    ["missing in (web)", false],
    ["app=web,tier=front", true],
    ["app=web,tier=back", false],
    ["example.com/team=a", true],
    ["n>4", true],
    ["n<4", false],
    ["app=", false],
    ["tier in (front,)", true],
  ])("%j matches %s", (selector, expected) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(expected);
  });

  it("matches objects without labels by absence", () => {
    expect(parseLabelSelector("!app").matches(undefined)).toBe(true);
    expect(parseLabelSelector("app").matches(undefined)).toBe(false);
    expect(parseLabelSelector("app!=x").matches(undefined)).toBe(true);
  });

  it.each([
    "app=web,",
    ",app",
    "app in web",
    "app in (web",
    "app notin",
    "=web",
    "app=web=x",
    "app>x",
    "-bad-=x",
    "app=-bad-",
    "UPPER.example.com/x=y",
    "a".repeat(64),
    "app web",
    "app!",
    "!",
    "(",
  ])("400 when selector %j is malformed", (selector) => {
    expect(() => parseLabelSelector(selector)).toThrow(BadRequestError);
  });
});
