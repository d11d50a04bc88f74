/**
 * The SubjectAccessReview a request needs, and the 403 the API server would answer when it
 * is denied. Pure: kubernetes-guard.ts posts it and caches the answer.
 */
import { ForbiddenError } from "../errors.js";
import type { ResourceAttributes, UserInfo } from "./types.js";

/** What is being checked: a resource request, or a non-resource URL (always verb `get`, as krm only reads). */
export type AccessRequest = { readonly resource: ResourceAttributes } | { readonly path: string };

/** authorization.k8s.io/v1 SubjectAccessReview, as JSON. */
export function subjectAccessReview(user: UserInfo, request: AccessRequest): Record<string, unknown> {
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user: user.username,
      ...(user.uid !== undefined ? { uid: user.uid } : {}),
      groups: [...user.groups],
      ...(user.extra !== undefined ? { extra: user.extra } : {}),
      ...("path" in request
        ? { nonResourceAttributes: { path: request.path, verb: "get" } }
        : { resourceAttributes: resourceAttributes(request.resource) }),
    },
  };
}

function resourceAttributes(a: ResourceAttributes): Record<string, unknown> {
  return {
    verb: a.verb,
    group: a.group,
    version: a.version,
    resource: a.resource,
    namespace: a.namespace,
    ...(a.name !== undefined ? { name: a.name } : {}),
    // Requirements only, never rawSelector: the API documents that both must not be set and
    // that webhooks should not parse rawSelector (two parsers disagreeing is an attack).
    ...(a.fieldSelector !== undefined && a.fieldSelector.length > 0
      ? { fieldSelector: { requirements: a.fieldSelector } }
      : {}),
    ...(a.labelSelector !== undefined && a.labelSelector.length > 0
      ? { labelSelector: { requirements: a.labelSelector } }
      : {}),
  };
}

/** The API server's wording: `pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "b"`. */
export function forbidden(user: UserInfo, request: AccessRequest, reason: string): ForbiddenError {
  const why = reason !== "" ? `: ${reason}` : "";
  if ("path" in request) {
    return new ForbiddenError(`forbidden: User "${user.username}" cannot get path "${request.path}"${why}`);
  }
  const a = request.resource;
  const resource = a.group === "" ? a.resource : `${a.resource}.${a.group}`;
  const subject = a.name !== undefined ? `${resource} "${a.name}"` : resource;
  const scope = a.namespace === "" ? "at the cluster scope" : `in the namespace "${a.namespace}"`;
  return new ForbiddenError(
    `${subject} is forbidden: User "${user.username}" cannot ${a.verb} resource "${a.resource}" in API group "${a.group}" ${scope}${why}`,
    {
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.group !== "" ? { group: a.group } : {}),
      kind: a.resource,
    },
  );
}
