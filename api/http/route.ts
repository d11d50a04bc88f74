/**
 * Maps a request path to what it asks for. Resource paths follow the Kubernetes layout:
 * `/api/v1[/namespaces/{ns}]/{resource}[/{name}]` and the same under `/apis/{group}/{version}`.
 */
export type Route =
  | {
      readonly type: "resource";
      readonly group: string;
      readonly version: string;
      readonly resource: string;
      readonly namespace?: string;
      readonly name?: string;
      readonly subresource?: string;
    }
  | { readonly type: "apis-root" }
  | { readonly type: "api-root" }
  | { readonly type: "api-group"; readonly group: string }
  | { readonly type: "group-version"; readonly group: string; readonly version: string }
  | { readonly type: "version" }
  | { readonly type: "healthz" }
  | { readonly type: "readyz" }
  | { readonly type: "metrics" }
  | { readonly type: "status" }
  | { readonly type: "dashboard" }
  | { readonly type: "unknown" };

/**
 * Splits and decodes path segments; undefined when a segment is not valid percent-encoding,
 * or decodes to something that cannot be one segment. The API server routes on the decoded
 * path, so an encoded `/` (`..%2F..%2Fetc`) splits the path there and matches no route (404),
 * and `.`/`..` are never names (apimachinery's path segment rule).
 */
function segmentsOf(path: string): string[] | undefined {
  const raw = path.split("/").filter((s) => s !== "");
  try {
    const segments = raw.map((s) => decodeURIComponent(s));
    return segments.some((s) => s.includes("/") || s === "." || s === "..") ? undefined : segments;
  } catch {
    return undefined;
  }
}

export function routeOf(path: string): Route {
  if (path === "/dashboard" || path.startsWith("/dashboard/")) return { type: "dashboard" };
  const segments = segmentsOf(path);
  if (segments === undefined) return { type: "unknown" };
  const [first, ...rest] = segments;
  switch (first) {
    case "healthz":
    case "livez":
      return { type: "healthz" };
    case "readyz":
      return rest.length === 0 ? { type: "readyz" } : { type: "unknown" };
    case "metrics":
      return rest.length === 0 ? { type: "metrics" } : { type: "unknown" };
    case "status":
      return rest.length === 0 ? { type: "status" } : { type: "unknown" };
    case "version":
      return rest.length === 0 ? { type: "version" } : { type: "unknown" };
    case "api": {
      if (rest.length === 0) return { type: "api-root" };
      const [version, ...tail] = rest;
      if (version === undefined) return { type: "unknown" };
      return tail.length === 0
        ? { type: "group-version", group: "", version }
        : resourceRoute("", version, tail);
    }
    case "apis": {
      if (rest.length === 0) return { type: "apis-root" };
      const [group, version, ...tail] = rest;
      if (group === undefined) return { type: "unknown" };
      if (version === undefined) return { type: "api-group", group };
      return tail.length === 0
        ? { type: "group-version", group, version }
        : resourceRoute(group, version, tail);
    }
    default:
      return { type: "unknown" };
  }
}

function resourceRoute(group: string, version: string, tail: string[]): Route {
  const base = { type: "resource" as const, group, version };
  if (tail[0] === "namespaces" && tail.length >= 3) {
    const [, namespace, resource, name, subresource, ...extra] = tail;
    if (namespace === undefined || resource === undefined || extra.length > 0) return { type: "unknown" };
    return {
      ...base,
      namespace,
      resource,
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
    };
  }
  const [resource, name, subresource, ...extra] = tail;
  if (resource === undefined || extra.length > 0) return { type: "unknown" };
  return {
    ...base,
    resource,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}
