/**
 * The query parameters of a list or watch, parsed and validated once. Every malformed
 * value is a 400 here, so handlers never see bad input.
 */
import type { KindSpec } from "../../core/kinds.js";
import { isComparableResourceVersion } from "../../core/resource-version.js";
import { BadRequestError } from "../errors.js";
import { parseFieldSelector, type FieldSelector } from "../selectors/field-selector.js";
import { EVERYTHING, parseLabelSelector, type LabelSelector } from "../selectors/label-selector.js";
import { decodeContinue, type ContinuePosition } from "./continue-token.js";

/** Largest page served; a larger `limit` is capped (Kubernetes allows a server to return fewer). */
export const MAX_LIMIT = 10_000;
/** Default and cap of `timeoutSeconds` for a watch (the API server's default min-request-timeout is 1800 s). */
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 1800;

export interface ListQuery {
  readonly labelSelector: LabelSelector;
  readonly fieldSelector: FieldSelector | undefined;
  /** 0: everything. */
  readonly limit: number;
  readonly continueFrom: ContinuePosition | undefined;
  /** undefined for "" (most recent); a decimal string otherwise. */
  readonly resourceVersion: string | undefined;
  readonly resourceVersionMatch: "" | "NotOlderThan" | "Exact";
  readonly watch: boolean;
  readonly allowWatchBookmarks: boolean;
  readonly sendInitialEvents: boolean | undefined;
  readonly timeoutSeconds: number;
}

/** Longest label or field selector accepted: far beyond any real one, small enough to match cheaply on every object. */
export const MAX_SELECTOR_LENGTH = 4096;

export function parseListQuery(params: URLSearchParams, kind: KindSpec): ListQuery {
  const label = params.get("labelSelector") ?? "";
  const field = params.get("fieldSelector") ?? "";
  const token = params.get("continue") ?? "";
  const resourceVersion = params.get("resourceVersion") ?? "";
  const match = params.get("resourceVersionMatch") ?? "";
  const watch = bool(params, "watch") ?? false;
  for (const [name, value] of [
    ["labelSelector", label],
    ["fieldSelector", field],
  ] as const) {
    if (value.length > MAX_SELECTOR_LENGTH)
      throw new BadRequestError(
        `${name} of ${value.length} characters exceeds the limit of ${MAX_SELECTOR_LENGTH}`,
      );
  }
  if (resourceVersion !== "" && !isComparableResourceVersion(resourceVersion)) {
    throw new BadRequestError(
      `invalid resourceVersion "${resourceVersion.slice(0, 100)}": expected a decimal integer`,
    );
  }
  if (match !== "" && match !== "NotOlderThan" && match !== "Exact") {
    throw new BadRequestError(
      `invalid resourceVersionMatch "${match.slice(0, 100)}": expected NotOlderThan or Exact`,
    );
  }
  if (match !== "" && resourceVersion === "") {
    throw new BadRequestError("resourceVersionMatch is forbidden unless resourceVersion is provided");
  }
  if (token !== "" && resourceVersion !== "" && resourceVersion !== "0") {
    throw new BadRequestError("specifying resource version is not allowed when using continue");
  }
  const sendInitialEvents = bool(params, "sendInitialEvents");
  if (sendInitialEvents !== undefined && !watch) {
    throw new BadRequestError("sendInitialEvents is forbidden for list");
  }
  return {
    labelSelector: label.trim() === "" ? EVERYTHING : parseLabelSelector(label),
    fieldSelector: field.trim() === "" ? undefined : parseFieldSelector(field, kind.fieldSelectors),
    limit: integer(params, "limit", MAX_LIMIT),
    continueFrom: token === "" ? undefined : decodeContinue(token, kind.id),
    resourceVersion: resourceVersion === "" ? undefined : resourceVersion,
    resourceVersionMatch: match,
    watch,
    allowWatchBookmarks: bool(params, "allowWatchBookmarks") ?? false,
    sendInitialEvents,
    timeoutSeconds:
      integer(params, "timeoutSeconds", DEFAULT_WATCH_TIMEOUT_SECONDS) || DEFAULT_WATCH_TIMEOUT_SECONDS,
  };
}

function bool(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  if (value === null) return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0" || value === "") return false;
  throw new BadRequestError(`invalid ${name} "${value.slice(0, 100)}": expected true or false`);
}

/** The API server reads `limit` and `timeoutSeconds` as int64: a larger value is a 400, not a cap. */
const INT64_MAX = 2n ** 63n - 1n;

/** A non-negative int64 parameter; above `cap` it is capped. Absent or empty is 0. */
function integer(params: URLSearchParams, name: string, cap: number): number {
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
