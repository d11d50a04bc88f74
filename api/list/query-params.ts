/**
 * The parameter rules every list and watch shares, cached kinds (list-query.ts) and derived
 * views (capacity/serve/object-source.ts) alike, read as the API server reads them: a
 * malformed value is a 400.
 */
import { isComparableResourceVersion } from "../../core/resource-version.js";
import { BadRequestError } from "../errors.js";

/** Default and cap of `timeoutSeconds` for a watch (the API server's default min-request-timeout is 1800 s). */
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 1800;

/** A boolean parameter: `true`/`1`, `false`/`0`/empty; absent is undefined. */
export function booleanParam(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0" || value === "") return false;
  throw new BadRequestError(`invalid ${name} "${value.slice(0, 100)}": expected true or false`);
}

/** The API server reads `limit` and `timeoutSeconds` as int64: a larger value is a 400, not a cap. */
const INT64_MAX = 2n ** 63n - 1n;

/** A non-negative int64 parameter; above `cap` it is capped. Absent or empty is 0. */
export function integerParam(params: URLSearchParams, name: string, cap: number): number {
  const value = params.get(name);
  if (value === null || value === "") return 0;
  if (!/^-?[0-9]+$/.test(value))
    throw new BadRequestError(`invalid ${name} "${value.slice(0, 100)}": expected an integer`);
  if (value.startsWith("-"))
    throw new BadRequestError(`invalid ${name} ${value.slice(0, 100)}: must not be negative`);
  const digits = value.replace(/^0+(?=.)/, "");
  if (digits.length > 19 || BigInt(digits) > INT64_MAX)
    throw new BadRequestError(`invalid ${name} "${value.slice(0, 100)}": value out of range`);
  return Math.min(Number(value), cap);
}

/** A watch's `timeoutSeconds`: absent or 0 is the default, more is capped at it. */
export function watchTimeoutSeconds(params: URLSearchParams): number {
  return (
    integerParam(params, "timeoutSeconds", DEFAULT_WATCH_TIMEOUT_SECONDS) || DEFAULT_WATCH_TIMEOUT_SECONDS
  );
}

/** The `resourceVersion` parameter; undefined when absent or empty. */
export function resourceVersionParam(params: URLSearchParams): string | undefined {
  const value = params.get("resourceVersion") ?? "";
  if (value === "") return undefined;
  if (!isComparableResourceVersion(value))
    throw new BadRequestError(`invalid resourceVersion "${value.slice(0, 100)}": expected a decimal integer`);
  return value;
}
