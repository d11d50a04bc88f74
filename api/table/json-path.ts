/**
 * The JSONPath subset of CRD printer columns (`additionalPrinterColumns[].jsonPath`): a chain
 * of `.field`, `['field']` and `[index]` steps, e.g. `.spec.replicas` or
 * `.status.conditions[0].type`. The API server validates columns to "simple" paths like these
 * when the CRD is created, so nothing richer (filters, wildcards, slices) reaches krm.
 */

export type PathStep = string | number;

export class JsonPathError extends Error {
  override readonly name = "JsonPathError";
}

const STEP = /^(?:\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/** Parses `.a.b[0]['c.d']` into steps; throws `JsonPathError` for anything outside the subset. */
export function parseJsonPath(path: string): PathStep[] {
  // kubectl and the API server accept the path with or without the `{...}` template braces.
  let rest = path.trim().replace(/^\{(.*)\}$/, "$1");
  const steps: PathStep[] = [];
  while (rest !== "") {
    const match = STEP.exec(rest);
    if (match === null) throw new JsonPathError(`unsupported JSONPath "${path}" at "${rest}"`);
    const [whole, field, index, single, double] = match;
    steps.push(index !== undefined ? Number(index) : (field ?? single ?? double ?? ""));
    rest = rest.slice(whole.length);
  }
  return steps;
}

/** The value at the path, or undefined when any step is missing (the API server then prints no value). */
export function valueAt(value: unknown, steps: readonly PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(current)) return undefined;
      current = current[step] as unknown;
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
    if (current === undefined) return undefined;
  }
  return current;
}
