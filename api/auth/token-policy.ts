/**
 * What `--auth=token` users may read: a small JSON policy file (`--auth-policy-file`), a list
 * of rules, each granting its users and groups the verbs of `verbs` (default get, list and
 * watch: reading) on kinds in namespaces, and `get` on non-resource URLs:
 *
 *   {"rules": [
 *     {"groups": ["team-a"], "namespaces": ["team-a"], "kinds": ["pods", "deployments.apps"]},
 *     {"users": ["ops"], "namespaces": ["*"], "kinds": ["*"], "nonResourceURLs": ["/metrics", "/status", "/dashboard/*"]}
 *   ]}
 *
 * Kinds are named as in `--kinds` (`pods`, `deployments.apps`). A request across all
 * namespaces, or for a cluster-scoped kind (nodes), needs `"*"` in namespaces: a cluster-wide
 * grant. A non-resource URL matches exactly or by a trailing `*`, as in RBAC. Anything no rule
 * grants is 403. Without a policy file every authenticated user may read everything.
 */
import type { ResourceAttributes, UserInfo } from "./types.js";

export class TokenPolicyError extends Error {
  override readonly name = "TokenPolicyError";
}

export interface PolicyRule {
  readonly users: readonly string[];
  readonly groups: readonly string[];
  readonly namespaces: readonly string[];
  readonly kinds: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

const FIELDS = ["users", "groups", "namespaces", "kinds", "verbs", "nonResourceURLs"] as const;
/** What a rule grants when it names no verbs: reading. */
const READ_VERBS = ["get", "list", "watch"];

export function parseTokenPolicy(text: string, source = "policy file"): PolicyRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new TokenPolicyError(`${source}: not JSON: ${String(error)}`);
  }
  const rules = (parsed as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new TokenPolicyError(`${source}: expected {"rules": [...]}`);
  return rules.map((rule: unknown, index) => {
    if (typeof rule !== "object" || rule === null)
      throw new TokenPolicyError(`${source}: rule ${index} is not an object`);
    const record = rule as Record<string, unknown>;
    const unknown = Object.keys(record).filter((key) => !(FIELDS as readonly string[]).includes(key));
    if (unknown.length > 0)
      throw new TokenPolicyError(`${source}: rule ${index}: unknown field ${unknown.join(", ")}`);
    const list = (field: (typeof FIELDS)[number]): string[] => {
      const value = record[field] ?? [];
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
        throw new TokenPolicyError(`${source}: rule ${index}: ${field} must be a list of strings`);
      return value;
    };
    const result = {
      users: list("users"),
      groups: list("groups"),
      namespaces: list("namespaces"),
      kinds: list("kinds"),
      verbs: record["verbs"] === undefined ? READ_VERBS : list("verbs"),
      nonResourceURLs: list("nonResourceURLs"),
    };
    if (result.users.length === 0 && result.groups.length === 0)
      throw new TokenPolicyError(`${source}: rule ${index} names no users or groups`);
    return result;
  });
}

function appliesTo(rule: PolicyRule, user: UserInfo): boolean {
  return rule.users.includes(user.username) || user.groups.some((g) => rule.groups.includes(g));
}

/** Whether some rule lets `user` read what `attributes` asks for. */
export function policyAllows(rules: readonly PolicyRule[], user: UserInfo, a: ResourceAttributes): boolean {
  const kind = a.group === "" ? a.resource : `${a.resource}.${a.group}`;
  return rules.some(
    (rule) =>
      appliesTo(rule, user) &&
      (rule.verbs.includes("*") || rule.verbs.includes(a.verb)) &&
      (rule.kinds.includes("*") || rule.kinds.includes(kind)) &&
      (rule.namespaces.includes("*") || (a.namespace !== "" && rule.namespaces.includes(a.namespace))),
  );
}

/** Whether some rule lets `user` get the non-resource URL `path`. */
export function policyAllowsPath(rules: readonly PolicyRule[], user: UserInfo, path: string): boolean {
  return rules.some(
    (rule) =>
      appliesTo(rule, user) &&
      rule.nonResourceURLs.some((url) =>
        url.endsWith("*") ? path.startsWith(url.slice(0, -1)) : url === path,
      ),
  );
}
