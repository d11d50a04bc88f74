/**
 * Kubernetes label selectors, full syntax as `k8s.io/apimachinery/pkg/labels` parses it:
 * `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`,
 * `key>N`, `key<N`, joined by commas (a logical AND). Whitespace around tokens is allowed.
 * Keys and values are validated like the API server does, so what it rejects, krm rejects.
 */
import { BadRequestError } from "../errors.js";

export type LabelOperator = "exists" | "notexists" | "eq" | "neq" | "in" | "notin" | "gt" | "lt";

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

/** A parsed selector; `matches` is called once per object in a list, so it stays allocation-free. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Labels): boolean;
}

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const INTEGER = /^-?[0-9]+$/;
const MAX_NAME = 63;
const MAX_PREFIX = 253;

type Token =
  | { kind: "word"; text: string }
  | { kind: "op"; text: "=" | "==" | "!=" | "!" | ">" | "<" }
  | { kind: "(" | ")" | "," };

export function parseLabelSelector(text: string): LabelSelector {
  const tokens = tokenize(text);
  const requirements: LabelRequirement[] = [];
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (why: string): never => {
    throw new BadRequestError(`unable to parse requirement: ${why} in label selector "${text}"`);
  };
  const word = (what: string): string => {
    const token = tokens[i++];
    if (token?.kind !== "word") return fail(`expected ${what}`);
    return token.text;
  };
  while (i < tokens.length) {
    const first = tokens[i++];
    let requirement: LabelRequirement;
    if (first?.kind === "op" && first.text === "!") {
      requirement = { key: validKey(word("a key after '!'"), fail), operator: "notexists", values: [] };
    } else if (first?.kind === "word") {
      const key = validKey(first.text, fail);
      const next = peek();
      if (next === undefined || next.kind === ",") {
        requirement = { key, operator: "exists", values: [] };
      } else if (next.kind === "op") {
        i++;
        const operator =
          next.text === "=" || next.text === "=="
            ? "eq"
            : next.text === "!="
              ? "neq"
              : next.text === ">"
                ? "gt"
                : next.text === "<"
                  ? "lt"
                  : fail("unexpected '!'");
        const following = peek();
        let value = "";
        if (following?.kind === "word") {
          value = following.text;
          i++;
        } else if (operator === "gt" || operator === "lt") {
          fail(`expected an integer after '${next.text}'`);
        }
        if ((operator === "gt" || operator === "lt") && !INTEGER.test(value))
          fail(`'${value}' is not an integer`);
        requirement = { key, operator, values: [validValue(value, fail)] };
      } else if (next.kind === "word" && (next.text === "in" || next.text === "notin")) {
        i++;
        if (tokens[i++]?.kind !== "(") fail(`expected '(' after '${next.text}'`);
        const values: string[] = [];
        for (;;) {
          const token = tokens[i];
          if (token?.kind === "word") {
            values.push(validValue(token.text, fail));
            i++;
          } else {
            values.push("");
          }
          const separator = tokens[i++];
          if (separator?.kind === ")") break;
          if (separator?.kind !== ",") fail("expected ',' or ')' in value set");
        }
        requirement = { key, operator: next.text, values };
      } else {
        return fail(`unexpected '${tokenText(next)}' after key '${key}'`);
      }
    } else {
      return fail(`unexpected '${first === undefined ? "end" : tokenText(first)}'`);
    }
    requirements.push(requirement);
    const separator = tokens[i];
    if (separator !== undefined) {
      if (separator.kind !== ",") fail(`expected ',' but found '${tokenText(separator)}'`);
      i++;
      if (i >= tokens.length) fail("trailing ','");
    }
  }
  return compile(requirements);
}

/** The selector that matches everything (an absent or empty `labelSelector`). */
export const EVERYTHING: LabelSelector = compile([]);

function compile(requirements: readonly LabelRequirement[]): LabelSelector {
  const tests = requirements.map(requirementTest);
  return {
    requirements,
    matches(labels: Labels): boolean {
      for (const test of tests) if (!test(labels)) return false;
      return true;
    },
  };
}

function requirementTest({ key, operator, values }: LabelRequirement): (labels: Labels) => boolean {
  const first = values[0] ?? "";
  const set = new Set(values);
  const has = (labels: Labels): boolean => labels !== undefined && Object.hasOwn(labels, key);
  switch (operator) {
    case "exists":
      return has;
    case "notexists":
      return (labels) => !has(labels);
    case "eq":
      return (labels) => has(labels) && labels?.[key] === first;
    case "neq":
      return (labels) => !has(labels) || labels?.[key] !== first;
    case "in":
      return (labels) => has(labels) && set.has(labels?.[key] ?? "");
    case "notin":
      return (labels) => !has(labels) || !set.has(labels?.[key] ?? "");
    case "gt":
    case "lt": {
      const bound = Number(first);
      return (labels) => {
        const text = labels?.[key];
        if (text === undefined || !INTEGER.test(text)) return false;
        return operator === "gt" ? Number(text) > bound : Number(text) < bound;
      };
    }
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === " " || c === "\t") {
      i++;
    } else if (c === "(" || c === ")" || c === ",") {
      tokens.push({ kind: c });
      i++;
    } else if (c === "=" || c === "!") {
      const double = text.charAt(i + 1) === "=";
      tokens.push({ kind: "op", text: double ? (c === "=" ? "==" : "!=") : c });
      i += double ? 2 : 1;
    } else if (c === ">" || c === "<") {
      tokens.push({ kind: "op", text: c });
      i++;
    } else {
      let end = i;
      while (end < text.length && !" \t(),=!<>".includes(text.charAt(end))) end++;
      tokens.push({ kind: "word", text: text.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

function tokenText(token: Token): string {
  return token.kind === "word" || token.kind === "op" ? token.text : token.kind;
}

function validKey(key: string, fail: (why: string) => never): string {
  const slash = key.indexOf("/");
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > MAX_PREFIX || !PREFIX.test(prefix))) {
    fail(`invalid label key prefix '${prefix}'`);
  }
  if (name.length > MAX_NAME || !NAME.test(name)) fail(`invalid label key '${key}'`);
  return key;
}

function validValue(value: string, fail: (why: string) => never): string {
  if (value !== "" && (value.length > MAX_NAME || !NAME.test(value))) fail(`invalid label value '${value}'`);
  return value;
}
