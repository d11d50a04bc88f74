/**
 * The API's request handler: routes a request, authenticates and authorizes it, answers
 * from the replicas, and maps every thrown error to a Kubernetes Status in one place
 * (logging only 5xx). Lists are built from pre-serialized objects; see list-response.ts.
 */
import { parseResourceVersion } from "../../core/resource-version.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import type { Logger } from "../../core/logger.js";
import { objectKey } from "../../core/object-key.js";
import { authorizePath, clientOf } from "../auth/path-access.js";
import { resourceAttributesOf } from "../auth/request-attributes.js";
import type { RequestGuard } from "../auth/types.js";
import { aggregatedAnswer } from "../discovery/aggregated.js";
import type { Discovery } from "../discovery/discovery.js";
import {
  ApiError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  UriTooLongError,
  statusOf,
} from "../errors.js";
import { freshnessHeaders, freshnessOf } from "../freshness.js";
import { parseListQuery, type ListQuery } from "../list/list-query.js";
import { compareStreamIds, isStreamId } from "../../core/stream-id.js";
import { listBody, selectPage } from "../list/list-response.js";
import { tableBody, tableRequestOf } from "../table/table-response.js";
import type { ApiMetrics } from "../observability/api-metrics.js";
import { isServable, objectNotFound, requireServable, type ServedKind } from "../served-kind.js";
import { boundedTableQuery } from "../table/table-bounds.js";
import { watchOwner, type WatchLimits } from "../watch/watch-limits.js";
import { serveWatch } from "../watch/watch-stream.js";
import type { DerivedViews } from "./derived-views.js";
import { sendError, sendJson, sendText } from "./respond.js";
import { hostAllowed } from "./host-check.js";
import { routeOf, type Route } from "./route.js";

const VARY_ACCEPT = { Vary: "Accept" };

/** Longest request target accepted (kube-apiserver's limit is similar); longer is 414. */
export const MAX_URL_LENGTH = 16 * 1024;

/** Serves GET and HEAD of `/dashboard` and everything below it; owned by the metrics part. Throws become Statuses. */
export type DashboardHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface RequestHandlerContext {
  readonly kinds: readonly ServedKind[];
  readonly discovery: Discovery;
  readonly guard: RequestGuard;
  readonly metrics: ApiMetrics;
  readonly logger: Logger;
  readonly bookmarkIntervalMs: number;
  readonly dashboard?: DashboardHandler;
  /** Derived-view groups served by their own handlers (see derived-views.ts). */
  readonly derived?: readonly DerivedViews[];
  readonly now: () => number;
  /** When set (auth=none), requests whose Host is not one of these get 403 (host-check.ts). */
  readonly allowedHosts?: ReadonlySet<string>;
  /** With auth on, /readyz says only "ok" or "not ready" (no kind names). */
  readonly hideHealthDetails?: boolean;
  /** Caps on open watches and their buffered bytes (watch-limits.ts); none when absent. */
  readonly watchLimits?: WatchLimits;
}

/**
 * Answers one request. `route` is what routeOf makes of the path unless a router in front
 * already decided it (the routing benchmark's Express variant, bench/routing-bench.ts).
 */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse, route?: Route) => void;

export function createRequestHandler(context: RequestHandlerContext): RequestHandler {
  const byPath = new Map(
    context.kinds.map((k) => [`${k.spec.group}/${k.spec.version}/${k.spec.resource}`, k]),
  );
  const derivedByGroupVersion = new Map((context.derived ?? []).map((d) => [`${d.group}/${d.version}`, d]));
  const derivedOf = (route: Route): DerivedViews | undefined =>
    route.type === "resource" ? derivedByGroupVersion.get(`${route.group}/${route.version}`) : undefined;
  const notFound = (): NotFoundError => new NotFoundError("the server could not find the requested resource");

  const handle = async (
    request: IncomingMessage,
    response: ServerResponse,
    route: Route,
    path: string,
    query: URLSearchParams,
  ): Promise<string> => {
    switch (route.type) {
      case "healthz":
        sendText(response, 200, "ok");
        return "health";
      case "readyz": {
        const waiting = context.kinds.filter((k) => !isServable(k)).map((k) => k.spec.id);
        const detail =
          context.hideHealthDetails === true ? "not ready" : `not verified yet: ${waiting.join(", ")}`;
        sendText(response, waiting.length === 0 ? 200 : 503, waiting.length === 0 ? "ok" : detail);
        return "health";
      }
      case "metrics":
        await authorizePath(context.guard, request, path);
        sendText(
          response,
          200,
          await context.metrics.exposition(context.kinds, context.now()),
          context.metrics.contentType,
        );
        return "metrics";
      case "version":
        sendJson(response, 200, context.discovery.version);
        return "discovery";
      case "dashboard":
        if (context.dashboard === undefined) throw notFound();
        await authorizePath(context.guard, request, path);
        await context.dashboard(request, response);
        return "dashboard";
      case "unknown":
        throw notFound();
      default:
        break;
    }
    await context.guard.authenticate(request.headers.authorization, clientOf(request));
    switch (route.type) {
      case "status": {
        await authorizePath(context.guard, request, path);
        const now = context.now();
        const kinds = context.kinds.map((k) => freshnessOf(k, now));
        sendJson(response, 200, JSON.stringify({ ready: context.kinds.every(isServable), kinds }));
        return "status";
      }
      case "api-root":
      case "apis-root": {
        const root = route.type === "api-root" ? "api" : "apis";
        const aggregated = aggregatedAnswer(context.discovery.aggregated, root, request.headers.accept);
        // The answer depends on Accept: caches must keep the two forms apart.
        if (aggregated === undefined) sendJson(response, 200, context.discovery[root], VARY_ACCEPT);
        else
          sendJson(response, 200, aggregated.body, {
            ...VARY_ACCEPT,
            "Content-Type": aggregated.contentType,
          });
        return "discovery";
      }
      case "api-group": {
        const body = context.discovery.groups.get(route.group);
        if (body === undefined) throw notFound();
        sendJson(response, 200, body);
        return "discovery";
      }
      case "group-version": {
        const body = context.discovery.resources.get(
          route.group === "" ? route.version : `${route.group}/${route.version}`,
        );
        if (body === undefined) throw notFound();
        sendJson(response, 200, body);
        return "discovery";
      }
      case "resource":
        break;
    }
    const derived = derivedOf(route);
    if (derived !== undefined) {
      return derived.handle({
        method: request.method ?? "GET",
        route,
        query,
        request,
        response,
        authorize: async (verb, name) => {
          const user = await context.guard.authenticate(request.headers.authorization, clientOf(request));
          await context.guard.authorize(user, {
            verb,
            group: route.group,
            version: route.version,
            resource: route.resource,
            namespace: route.namespace ?? "",
            ...(name !== undefined ? { name } : {}),
          });
          return user;
        },
      });
    }
    const kind = byPath.get(`${route.group}/${route.version}/${route.resource}`);
    if (kind === undefined || route.subresource !== undefined) throw notFound();
    const { namespace, name } = route;
    if (
      (namespace !== undefined && !kind.spec.namespaced) ||
      (name !== undefined && kind.spec.namespaced && namespace === undefined)
    ) {
      throw notFound();
    }
    const listQuery = name === undefined ? parseListQuery(query, kind.spec) : undefined;
    const user = await context.guard.authenticate(request.headers.authorization, clientOf(request));
    await context.guard.authorize(user, resourceAttributesOf(kind.spec, namespace, name, listQuery));
    const headers = freshnessHeaders(kind, context.now());
    // Set now, so every answer about this kind carries them (errors too: 503 not verified, 404 object).
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    requireServable(kind);
    const table = tableRequestOf(request.headers.accept, query);
    if (name !== undefined) {
      const object = kind.replica.get(objectKey(namespace, name));
      if (object === undefined) throw objectNotFound(kind, name);
      const metadata = `{"resourceVersion":${JSON.stringify(object.resourceVersion)}}`;
      sendJson(
        response,
        200,
        table === undefined ? object.bytes : tableBody(kind.spec, table, [object], metadata, context.now()),
      );
      return "get";
    }
    if (listQuery === undefined) throw notFound();
    await awaitRequestedState(kind, listQuery);
    if (listQuery.watch) {
      const ticket = context.watchLimits?.open(watchOwner(user));
      context.metrics.watchStarted();
      serveWatch(request, response, {
        kind,
        query: listQuery,
        namespace,
        headers,
        bookmarkIntervalMs: context.bookmarkIntervalMs,
        ...(table !== undefined
          ? {
              render: (object, first) =>
                tableBody(
                  kind.spec,
                  table,
                  [object],
                  `{"resourceVersion":${JSON.stringify(object.resourceVersion)}}`,
                  context.now(),
                  first,
                ),
            }
          : {}),
        ...(ticket !== undefined ? { buffered: (bytes: number) => ticket.buffered(bytes) } : {}),
        onEnd: () => {
          ticket?.release();
          context.metrics.watchEnded();
        },
      });
      return "watch";
    }
    if (table !== undefined) {
      const page = selectPage(kind, boundedTableQuery(listQuery), namespace);
      sendJson(response, 200, tableBody(kind.spec, table, page.objects, page.metadataJson, context.now()));
      return "list";
    }
    sendJson(response, 200, listBody(kind, listQuery, namespace));
    return "list";
  };

  return (request, response, routed) => {
    const started = performance.now();
    const url = request.url ?? "/";
    const finish = (route: string, code: number): void => {
      context.metrics.observe(route, code, (performance.now() - started) / 1000);
    };
    const fail = (error: unknown, route: string): void => {
      const code = sendError(response, error);
      // Expected 5xx answers (503 not ready, 504 too large resourceVersion) are not failures.
      if (code >= 500 && !(error instanceof ApiError))
        context.logger.error(
          { err: error, url: url.slice(0, 200), method: request.method },
          "request failed",
        );
      finish(route, code);
    };
    if (url.length > MAX_URL_LENGTH) {
      fail(new UriTooLongError(url.length, MAX_URL_LENGTH), "other");
      return;
    }
    const questionMark = url.indexOf("?");
    const path = questionMark < 0 ? url : url.slice(0, questionMark);
    const query = new URLSearchParams(questionMark < 0 ? "" : url.slice(questionMark + 1));
    const route = routed ?? routeOf(path);
    if (request.method !== "GET" && request.method !== "HEAD" && derivedOf(route) === undefined) {
      response.setHeader("Allow", "GET, HEAD");
      fail(route.type === "unknown" ? notFound() : new MethodNotAllowedError(request.method ?? ""), "other");
      return;
    }
    if (context.allowedHosts !== undefined && route.type !== "healthz" && route.type !== "readyz") {
      if (!hostAllowed(request.headers.host, context.allowedHosts)) {
        fail(new ForbiddenError(`host not allowed: ${String(request.headers.host).slice(0, 100)}`), "other");
        return;
      }
    }
    handle(request, response, route, path, query).then(
      (name) => finish(name, response.statusCode),
      (error: unknown) => fail(error, route.type === "resource" ? "resource" : route.type),
    );
  };
}

/** How long a request naming a state this replica has not reached yet waits for it (the API server waits 3 s). */
export const CATCH_UP_WAIT_MS = 3_000;

/**
 * A continue token or resourceVersion from a replica further along the feed (behind a load
 * balancer) waits briefly for this one to catch up, instead of failing at once.
 */
async function awaitRequestedState(kind: ServedKind, query: ListQuery): Promise<void> {
  const replica = kind.replica;
  const token = query.continueFrom;
  if (
    token !== undefined &&
    isStreamId(token.position) &&
    compareStreamIds(token.position, replica.position) > 0
  ) {
    await replica.waitUntil(() => compareStreamIds(token.position, replica.position) <= 0, CATCH_UP_WAIT_MS);
  } else if (token === undefined && query.resourceVersion !== undefined && query.resourceVersion !== "0") {
    const wanted = parseResourceVersion(query.resourceVersion);
    if (wanted > replica.resourceVersion)
      await replica.waitUntil(() => replica.resourceVersion >= wanted, CATCH_UP_WAIT_MS);
  }
}

/** The Status body for a request the HTTP parser rejected (e.g. 431 headers too large). */
export function rawStatusResponse(code: number, message: string): string {
  const reason = code === 431 ? "RequestEntityTooLarge" : "BadRequest";
  const body = JSON.stringify({ ...statusOf(undefined), message, reason, code });
  const text = code === 431 ? "Request Header Fields Too Large" : "Bad Request";
  return `HTTP/1.1 ${code} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
