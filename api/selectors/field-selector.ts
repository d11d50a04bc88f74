/**
 * Kubernetes field selectors (`k8s.io/apimachinery/pkg/fields`): `field=value`,
 * `field==value`, `field!=value`, joined by commas; `\` escapes `,`, `=`, `!` and `\` in
 * values. Only the fields the API server supports for the kind are accepted
 * (metadata.name, metadata.namespace and `KindSpec.fieldSelectors`); any other field is
 * a 400 like the API server's "field label not supported".
 */
import type { KubeObject } from "../../core/object-key.js";
import { BadRequestError } from "../errors.js";

export interface FieldRequirement {
  readonly field: string;
  readonly operator: "eq" | "neq";
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  matches(object: KubeObject): boolean;
}

const ALWAYS_SUPPORTED = ["metadata.name", "metadata.namespace"];

export function parseFieldSelector(text: string, supportedFields: readonly string[]): FieldSelector {
  const supported = new Set([...ALWAYS_SUPPORTED, ...supportedFields]);
  const requirements: FieldRequirement[] = [];
  for (const term of splitUnescaped(text, ",")) {
    if (term.trim() === "") {
      if (text.trim() === "") continue;
      throw new BadRequestError(`invalid field selector "${text}": empty term`);
    }
    const parsed = splitTerm(term);
    if (parsed === undefined) {
      throw new BadRequestError(
        `invalid field selector: '${term}' is not a field=value, field==value or field!=value term`,
      );
    }
    const field = parsed.field.trim();
    if (!supported.has(field)) {
      throw new BadRequestError(`field label not supported: ${field}`);
    }
    requirements.push({ field, operator: parsed.operator, value: unescape(parsed.value) });
  }
  const getters = requirements.map((r) => ({ ...r, get: fieldGetter(r.field) }));
  return {
    requirements,
    matches(object: KubeObject): boolean {
      for (const r of getters) {
        const equal = r.get(object) === r.value;
        if (equal !== (r.operator === "eq")) return false;
      }
      return true;
    },
  };
}

/** Reads a dotted field as the API server's field set holds it: strings as is, booleans as "true"/"false", absent as "". */
function fieldGetter(field: string): (object: KubeObject) => string {
  const path = field.split(".");
  return (object) => {
    let value: unknown = object;
    for (const part of path) {
      if (typeof value !== "object" || value === null) return "";
      value = (value as Record<string, unknown>)[part];
    }
    if (typeof value === "string") return value;
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    return "";
  };
}

function splitTerm(term: string): { field: string; operator: "eq" | "neq"; value: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const c = term.charAt(i);
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "!" && term.charAt(i + 1) === "=") {
      return { field: term.slice(0, i), operator: "neq", value: term.slice(i + 2) };
    }
    if (c === "=") {
      const skip = term.charAt(i + 1) === "=" ? 2 : 1;
      return { field: term.slice(0, i), operator: "eq", value: term.slice(i + skip) };
    }
  }
  return undefined;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === "\\") i++;
    else if (c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unescape(value: string): string {
  if (!value.includes("\\")) return value;
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    if (c === "\\") {
      const next = value.charAt(i + 1);
      if (!"\\,=!".includes(next) || next === "") {
        throw new BadRequestError(`invalid field selector value '${value}': invalid escape sequence`);
      }
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
