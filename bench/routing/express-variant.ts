/**
 * The Express 5 variant of the routing benchmark: the API's own request handler mounted under
 * an Express app whose route table mirrors api/http/route.ts, so Express matches the path and
 * the handler skips routeOf. Express is not a dependency of krm (docs/routing.md); a run
 * installs it beside the tree with `npm install --no-save express@5`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Route } from "../../api/http/route.js";
import type { RequestHandler } from "../../api/http/request-handler.js";

type Params = Readonly<Record<string, string | undefined>>;
type ExpressRequest = IncomingMessage & { readonly params: Params };
type Middleware = (request: ExpressRequest, response: ServerResponse) => void;

/** The part of Express 5's app this file uses. */
interface ExpressApp {
  (request: IncomingMessage, response: ServerResponse): void;
  disable(setting: string): void;
  get(path: string, handler: Middleware): void;
  use(handler: Middleware): void;
}

export async function loadExpress(): Promise<() => ExpressApp> {
  // A name in a variable keeps TypeScript from resolving a module krm does not depend on.
  const name = "express";
  try {
    const module = (await import(name)) as { default: () => ExpressApp };
    return module.default;
  } catch (error) {
    throw new Error("the Express variant needs express 5: npm install --no-save express@5", { cause: error });
  }
}

const fixed: readonly (readonly [string, Route])[] = [
  ["/healthz", { type: "healthz" }],
  ["/livez", { type: "healthz" }],
  ["/readyz", { type: "readyz" }],
  ["/metrics", { type: "metrics" }],
  ["/status", { type: "status" }],
  ["/version", { type: "version" }],
  ["/api", { type: "api-root" }],
  ["/apis", { type: "apis-root" }],
  ["/dashboard", { type: "dashboard" }],
  ["/dashboard/*rest", { type: "dashboard" }],
];

/** Resource paths under one group-version prefix, namespaced ones first (as routeOf decides). */
const RESOURCE_PATTERNS = [
  "/namespaces/:namespace/:resource/:name/:subresource",
  "/namespaces/:namespace/:resource/:name",
  "/namespaces/:namespace/:resource",
  "/:resource/:name/:subresource",
  "/:resource/:name",
  "/:resource",
];

function resourceRoute(group: string, params: Params): Route {
  const { version, resource, namespace, name, subresource } = params;
  if (version === undefined || resource === undefined) return { type: "unknown" };
  return {
    type: "resource",
    group,
    version,
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}

export function expressApp(createApp: () => ExpressApp, handler: RequestHandler): ExpressApp {
  const app = createApp();
  app.disable("x-powered-by");
  app.disable("etag");
  for (const [path, route] of fixed) app.get(path, (request, response) => handler(request, response, route));
  app.get("/api/:version", (request, response) =>
    handler(request, response, {
      type: "group-version",
      group: "",
      version: request.params["version"] ?? "",
    }),
  );
  app.get("/apis/:group", (request, response) =>
    handler(request, response, { type: "api-group", group: request.params["group"] ?? "" }),
  );
  app.get("/apis/:group/:version", (request, response) =>
    handler(request, response, {
      type: "group-version",
      group: request.params["group"] ?? "",
      version: request.params["version"] ?? "",
    }),
  );
  for (const pattern of RESOURCE_PATTERNS) {
    app.get(`/api/:version${pattern}`, (request, response) =>
      handler(request, response, resourceRoute("", request.params)),
    );
    app.get(`/apis/:group/:version${pattern}`, (request, response) =>
      handler(request, response, resourceRoute(request.params["group"] ?? "", request.params)),
    );
  }
  app.use((request, response) => handler(request, response, { type: "unknown" }));
  return app;
}
