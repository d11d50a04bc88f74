/**
 * The query parameters of a list or watch, parsed and validated once. Every malformed
 * value is a 400 here, so handlers never see bad input.
 */
import type { KindSpec } from "../../core/kinds.js";
import { BadRequestError } from "../errors.js";
import { parseFieldSelector, type FieldSelector } from "../selectors/field-selector.js";
import { EVERYTHING, parseLabelSelector, type LabelSelector } from "../selectors/label-selector.js";
import { decodeContinue, type ContinuePosition } from "./continue-token.js";
import { booleanParam, integerParam, resourceVersionParam, watchTimeoutSeconds } from "./query-params.js";

/** Largest page served; a larger `limit` is capped (Kubernetes allows a server to return fewer). */
export const MAX_LIMIT = 10_000;

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
  const resourceVersion = resourceVersionParam(params) ?? "";
  const match = params.get("resourceVersionMatch") ?? "";
  const watch = booleanParam(params, "watch") ?? false;
  for (const [name, value] of [
    ["labelSelector", label],
    ["fieldSelector", field],
  ] as const) {
    if (value.length > MAX_SELECTOR_LENGTH)
      throw new BadRequestError(
        `${name} of ${value.length} characters exceeds the limit of ${MAX_SELECTOR_LENGTH}`,
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
  const sendInitialEvents = booleanParam(params, "sendInitialEvents");
  if (sendInitialEvents !== undefined && !watch) {
    throw new BadRequestError("sendInitialEvents is forbidden for list");
  }
  return {
    labelSelector: label.trim() === "" ? EVERYTHING : parseLabelSelector(label),
    fieldSelector: field.trim() === "" ? undefined : parseFieldSelector(field, kind.fieldSelectors),
    limit: integerParam(params, "limit", MAX_LIMIT),
    continueFrom: token === "" ? undefined : decodeContinue(token, kind.id),
    resourceVersion: resourceVersion === "" ? undefined : resourceVersion,
    resourceVersionMatch: match,
    watch,
    allowWatchBookmarks: booleanParam(params, "allowWatchBookmarks") ?? false,
    sendInitialEvents,
    timeoutSeconds: watchTimeoutSeconds(params),
  };
}
