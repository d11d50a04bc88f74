/**
 * resourceVersion rules, the one place krm parses and orders them. Since Kubernetes 1.35
 * (KEP-5504, comparable resourceVersion) resource versions are decimal integers that may be
 * compared for order. They can exceed 2^53, so they are compared as bigints, never as
 * floats or strings. krm accepts only the canonical form the API server writes: no sign,
 * no leading zeros (so each version has one spelling, and `007` is not taken for `7`).
 * See docs/merge-rules.md.
 */
export type ResourceVersion = bigint;

/** `0`, or up to 40 digits without a leading zero (far beyond etcd's int64 revisions). */
const DECIMAL = /^(0|[1-9][0-9]{0,39})$/;

/** True when `text` is a resourceVersion krm can order: a canonical non-negative decimal integer. */
export function isComparableResourceVersion(text: string | undefined | null): boolean {
  return typeof text === "string" && DECIMAL.test(text);
}

/** Parses a resourceVersion; throws `RangeError` on anything that is not comparable. */
export function parseResourceVersion(text: string | undefined | null): ResourceVersion {
  const parsed = tryParseResourceVersion(text);
  if (parsed === undefined) {
    throw new RangeError(`resourceVersion ${JSON.stringify(text)} is not a decimal integer`);
  }
  return parsed;
}

/** The resourceVersion, or undefined when `text` is absent or not comparable. */
export function tryParseResourceVersion(text: string | undefined | null): ResourceVersion | undefined {
  return typeof text === "string" && DECIMAL.test(text) ? BigInt(text) : undefined;
}

/**
 * The resourceVersion, or 0 (older than any real one) when `text` is absent or not
 * comparable: for high-water marks, where an unreadable version must not raise the mark.
 */
export function resourceVersionOrZero(text: string | undefined | null): ResourceVersion {
  return tryParseResourceVersion(text) ?? 0n;
}

export function maxResourceVersion(a: ResourceVersion, b: ResourceVersion): ResourceVersion {
  return a > b ? a : b;
}
