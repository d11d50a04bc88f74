/**
 * The SubjectAccessReviews whose "allowed" already answers a read, widest first, so a
 * reader's decisions are cached per resource and namespace rather than per object or selector.
 * The authorization.k8s.io/v1 API defines the implications used:
 * - `namespace: ""` on a namespaced resource means all namespaces;
 * - an empty `name` means all names;
 * - field and label selectors only narrow what is asked about (a request without them asks
 *   about every object).
 * So "may list pods in every namespace" answers "may list pods in b with app=x", and "may get
 * pods in b" answers "may get pod b/p". A grant limited to names (`resourceNames`) or to
 * selectors is still found: the exact request comes last and decides when the wider ones
 * are denied. Only reads widen: a write's scope is what it names.
 */
import type { ResourceAttributes } from "./types.js";

const READ_VERBS: ReadonlySet<ResourceAttributes["verb"]> = new Set(["get", "list", "watch"]);

/** Wider requests first, the exact request last; no request appears twice. */
export function coveringRequests(exact: ResourceAttributes): ResourceAttributes[] {
  if (!READ_VERBS.has(exact.verb)) return [exact];
  const base = {
    verb: exact.verb,
    group: exact.group,
    version: exact.version,
    resource: exact.resource,
  };
  const narrowed =
    exact.name !== undefined || exact.fieldSelector !== undefined || exact.labelSelector !== undefined;
  const wider: ResourceAttributes[] = [];
  if (exact.namespace !== "" || narrowed) wider.push({ ...base, namespace: "" });
  if (exact.namespace !== "" && narrowed) wider.push({ ...base, namespace: exact.namespace });
  return [...wider, exact];
}
