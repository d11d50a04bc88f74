/** Shared checks of request bodies for fitreviews and capacityleases: each bad field is a 422 cause. */
import { BadRequestError, InvalidError } from "../../api/errors.js";
import { QuantityError, parseResourceList, type MutableResourceList } from "../model/index.js";

export type Json = Record<string, unknown>;

export class Causes {
  private readonly list: { reason: string; message: string; field: string }[] = [];
  add(field: string, message: string): void {
    this.list.push({ reason: "FieldValueInvalid", message: `${field}: ${message}`, field });
  }
  /** Throws 422 Invalid naming every cause, when there is one. */
  throwIfAny(kind: string, name: string): void {
    if (this.list.length === 0) return;
    throw new InvalidError(`${kind} "${name}" is invalid: ${this.list.map((c) => c.message).join("; ")}`, {
      name,
      group: "capacity.krm.dev",
      kind,
      causes: this.list,
    });
  }
}

export function asObject(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new BadRequestError(`${what} must be a JSON object`);
  return value as Json;
}

export function optionalObject(value: unknown, field: string, causes: Causes): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    causes.add(field, "must be an object");
    return undefined;
  }
  return value as Json;
}

export function resourceList(value: unknown, field: string, causes: Causes): MutableResourceList {
  try {
    const list = parseResourceList(value);
    for (const [name, amount] of list)
      if (amount < 0n) causes.add(`${field}.${name}`, "must not be negative");
    return list;
  } catch (error) {
    if (error instanceof QuantityError) causes.add(field, error.message);
    else throw error;
    return new Map();
  }
}

export function stringMap(value: unknown, field: string, causes: Causes): Record<string, string> | undefined {
  const object = optionalObject(value, field, causes);
  if (object === undefined) return undefined;
  for (const [key, v] of Object.entries(object))
    if (typeof v !== "string") {
      causes.add(`${field}.${key}`, "must be a string");
      return undefined;
    }
  return object as Record<string, string>;
}

export function integerIn(
  value: unknown,
  field: string,
  min: number,
  max: number,
  fallback: number,
  causes: Causes,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    causes.add(field, `must be an integer from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/** The name of a created object: `metadata.name`, or `generateName` + 5 random characters. */
export function nameOf(metadata: Json | undefined, causes: Causes): string {
  const name = metadata?.["name"];
  const generate = metadata?.["generateName"];
  if (typeof name === "string" && name !== "") {
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name))
      causes.add("metadata.name", "must be a DNS subdomain name");
    return name;
  }
  if (typeof generate === "string" && generate !== "") {
    const suffix = Math.random().toString(36).slice(2, 7).padEnd(5, "x");
    const generated = `${generate}${suffix}`;
    if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(generated))
      causes.add("metadata.generateName", "must make a DNS subdomain name");
    return generated;
  }
  return "";
}
