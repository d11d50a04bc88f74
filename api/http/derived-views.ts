/**
 * The extension point for derived views (docs/derived-views.md): API groups computed inside krm
 * (`capacity.krm.dev`, `usage.krm.dev`) rather than cached from the API server. A request
 * whose `group/version` is registered goes to that group's handler with any method; the
 * group and its resources appear in discovery. The handler authorizes each verb through
 * `authorize`, which runs the same guard (and SubjectAccessReview under --auth kubernetes)
 * as reads of cached kinds, and throws typed errors (api/errors.ts) that become Statuses.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResourceAttributes, UserInfo } from "../auth/types.js";
import type { Route } from "./route.js";

/** One resource of a derived group, as discovery lists it. */
export interface DerivedResource {
  readonly name: string;
  readonly singularName: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: readonly ResourceAttributes["verb"][];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
}

export type ResourceRoute = Extract<Route, { type: "resource" }>;

export interface DerivedRequest {
  readonly method: string;
  readonly route: ResourceRoute;
  readonly query: URLSearchParams;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** Authenticates the caller and authorizes `verb` on the routed resource (and name); throws 401/403. */
  readonly authorize: (verb: ResourceAttributes["verb"], name?: string) => Promise<UserInfo>;
}

export interface DerivedViews {
  readonly group: string;
  readonly version: string;
  readonly resources: readonly DerivedResource[];
  /** Answers the request; returns the route label for request metrics ("list", "get", "create", ...). */
  handle(request: DerivedRequest): Promise<string>;
}
