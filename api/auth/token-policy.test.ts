import { describe, expect, it } from "vitest";
import { parseTokenPolicy, policyAllows, policyAllowsPath, TokenPolicyError } from "./token-policy.js";
import type { ResourceAttributes } from "./types.js";

const rules = parseTokenPolicy(
  JSON.stringify({
    rules: [
      { groups: ["team-a"], namespaces: ["a"], kinds: ["pods", "deployments.apps"] },
      { users: ["ops"], namespaces: ["*"], kinds: ["*"], nonResourceURLs: ["/metrics", "/dashboard/*"] },
    ],
  }),
);
const dev = { username: "dev", groups: ["team-a"] };
const ops = { username: "ops", groups: [] };
const stranger = { username: "x", groups: ["team-b"] };
const read = (resource: string, namespace: string, group = ""): ResourceAttributes => ({
  verb: "list",
  group,
  version: "v1",
  resource,
  namespace,
});

describe("token policy", () => {
  it.each([
    ["a granted kind in a granted namespace", dev, read("pods", "a"), true],
    ["a grouped kind by its --kinds name", dev, read("deployments", "a", "apps"), true],
    ["another namespace", dev, read("pods", "b"), false],
    ["a cluster-wide list without a cluster-wide grant", dev, read("pods", ""), false],
    ["a kind not granted", dev, read("services", "a"), false],
    ["a cluster-wide list with one", ops, read("pods", ""), true],
    ["a cluster-scoped kind with one", ops, read("nodes", ""), true],
    ["a user no rule names", stranger, read("pods", "a"), false],
    [
      "a write no rule's verbs grant",
      ops,
      { ...read("capacityleases", "a", "capacity.krm.dev"), verb: "create" as const },
      false,
    ],
  ])("%s: %s", (_name, user, attributes, allowed) => {
    expect(policyAllows(rules, user, attributes)).toBe(allowed);
  });

  it("grants non-resource URLs exactly or by a trailing *", () => {
    expect(policyAllowsPath(rules, ops, "/metrics")).toBe(true);
    expect(policyAllowsPath(rules, ops, "/dashboard/data")).toBe(true);
    expect(policyAllowsPath(rules, ops, "/status")).toBe(false);
    expect(policyAllowsPath(rules, dev, "/metrics")).toBe(false);
  });

  it.each([
    ["not JSON", "{"],
    ["no rules", "{}"],
    ["a rule for nobody", '{"rules":[{"kinds":["*"]}]}'],
    ["a misspelt field", '{"rules":[{"users":["a"],"namespace":["a"]}]}'],
    ["a non-list", '{"rules":[{"users":"a"}]}'],
  ])("rejects %s", (_name, text) => {
    expect(() => parseTokenPolicy(text)).toThrow(TokenPolicyError);
  });
});
