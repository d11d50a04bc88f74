/**
 * The SubjectAccessReview attributes of a read, derived as kube-apiserver derives them
 * (k8s.io/apiserver RequestInfo and the AuthorizeWithSelectors attributes, Kubernetes 1.31+):
 * - a list or watch whose field selector requires `metadata.name=X` is about name X, so a
 *   user limited by `resourceNames` may list or watch just that object;
 * - the field and label selectors are passed as requirements, so selector-scoped grants of
 *   authorizers that read them (webhooks) apply. Label `>`/`<` terms have no SAR form and are
 *   left out, which only widens what is asked about (never grants more).
 */
import type { KindSpec } from "../../core/kinds.js";
import type { ListQuery } from "../list/list-query.js";
import type { FieldRequirement } from "../selectors/field-selector.js";
import type { LabelRequirement } from "../selectors/label-selector.js";
import type { ResourceAttributes, SelectorRequirement } from "./types.js";

export function resourceAttributesOf(
  spec: KindSpec,
  namespace: string | undefined,
  name: string | undefined,
  query: ListQuery | undefined,
): ResourceAttributes {
  const base = {
    group: spec.group,
    version: spec.version,
    resource: spec.resource,
    namespace: namespace ?? "",
  };
  if (name !== undefined || query === undefined) {
    return { ...base, verb: "get", ...(name !== undefined ? { name } : {}) };
  }
  const fields = query.fieldSelector?.requirements ?? [];
  const labels = query.labelSelector.requirements.flatMap(labelRequirement);
  const selectedName = exactName(fields);
  return {
    ...base,
    verb: query.watch ? "watch" : "list",
    ...(selectedName !== undefined ? { name: selectedName } : {}),
    ...(fields.length > 0 ? { fieldSelector: fields.map(fieldRequirement) } : {}),
    ...(labels.length > 0 ? { labelSelector: labels } : {}),
  };
}

/** `metadata.name=X` as fields.Selector.RequiresExactMatch finds it, if X is a valid path segment. */
function exactName(fields: readonly FieldRequirement[]): string | undefined {
  const name = fields.find((r) => r.field === "metadata.name" && r.operator === "eq")?.value;
  if (name === undefined || name === "" || name === "." || name === "..") return undefined;
  return /[/%]/.test(name) ? undefined : name;
}

function fieldRequirement(r: FieldRequirement): SelectorRequirement {
  return { key: r.field, operator: r.operator === "eq" ? "In" : "NotIn", values: [r.value] };
}

function labelRequirement(r: LabelRequirement): SelectorRequirement[] {
  switch (r.operator) {
    case "eq":
    case "in":
      return [{ key: r.key, operator: "In", values: r.values }];
    case "neq":
    case "notin":
      return [{ key: r.key, operator: "NotIn", values: r.values }];
    case "exists":
      return [{ key: r.key, operator: "Exists", values: [] }];
    case "notexists":
      return [{ key: r.key, operator: "DoesNotExist", values: [] }];
    case "gt":
    case "lt":
      return [];
  }
}
