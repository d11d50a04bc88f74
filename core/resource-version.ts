/**
 * resourceVersion rules. Since Kubernetes 1.35 (KEP-5504, comparable resourceVersion)
 * resource versions are decimal integers that may be compared for order. They can exceed
 * 2^53, so they are compared as bigints, never as floats or strings.
 */
export type ResourceVersion = bigint;

const DECIMAL = /^(0|[1-9][0-9]{0,39})$/;

/** True when `text` is a resourceVersion krm can order: a non-negative decimal integer. */
export function isComparableResourceVersion(text: string | undefined): text is string {
  return text !== undefined && DECIMAL.test(text);
}

/** Parses a resourceVersion; throws on anything that is not a decimal integer. */
export function parseResourceVersion(text: string | undefined): ResourceVersion {
  if (!isComparableResourceVersion(text)) {
    throw new RangeError(`resourceVersion ${JSON.stringify(text)} is not a decimal integer`);
  }
  return BigInt(text);
}

/** True when `candidate` is strictly newer than `current`. */
export function isNewer(candidate: ResourceVersion, current: ResourceVersion): boolean {
  return candidate > current;
}

export function maxResourceVersion(a: ResourceVersion, b: ResourceVersion): ResourceVersion {
  return a > b ? a : b;
}
