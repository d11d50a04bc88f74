/**
 * Serving a derived resource the Kubernetes way from any `ObjectSource`: list (with label
 * selectors and `metadata.name` field selectors), get, and watch, each as JSON or as a
 * server-side Table. Watches coalesce bursts: a change marks names dirty and one flush per
 * `WATCH_COALESCE_MS` sends each dirty object once, so a churn of pod events costs watchers
 * one event per moved pool, not one per pod.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BadRequestError, NotFoundError } from "../../api/errors.js";
import { sendJson } from "../../api/http/respond.js";
import { booleanParam, resourceVersionParam, watchTimeoutSeconds } from "../../api/list/query-params.js";
import { parseLabelSelector, EVERYTHING, type LabelSelector } from "../../api/selectors/label-selector.js";
import { tableRequestOf, type TableRequest } from "../../api/table/table-response.js";
import type { ServedObject } from "./objects.js";
import type { CapacityTable } from "./tables.js";

export interface ObjectSource {
  readonly resource: string;
  readonly kind: string;
  readonly apiVersion: string;
  list(): ServedObject[];
  get(name: string): ServedObject | undefined;
  /** The resourceVersion of the whole collection. */
  version(): bigint;
  /** Calls `listener` with the name of each object that changed, appeared or went. */
  subscribe(listener: (name: string) => void): () => void;
}

/** Longest a change waits before watchers hear it (the freshness cost of coalescing). */
export const WATCH_COALESCE_MS = 100;

interface DerivedQuery {
  readonly labels: LabelSelector;
  readonly name: string | undefined;
  readonly resourceVersion: string | undefined;
  readonly timeoutSeconds: number;
}

/** The list or watch parameters a derived view honours; cached kinds' rules (api/list/query-params.ts) for the shared ones. */
export function parseDerivedQuery(params: URLSearchParams): DerivedQuery {
  const label = params.get("labelSelector") ?? "";
  const field = (params.get("fieldSelector") ?? "").trim();
  let name: string | undefined;
  if (field !== "") {
    const match = /^metadata\.name(==?)(.*)$/.exec(field);
    if (match === null)
      throw new BadRequestError(
        `field selector "${field.slice(0, 100)}": only metadata.name=<name> is supported here`,
      );
    name = match[2];
  }
  booleanParam(params, "watch"); // checked only: `collectionRequest` read the verb
  return {
    labels: label.trim() === "" ? EVERYTHING : parseLabelSelector(label),
    name,
    resourceVersion: resourceVersionParam(params),
    timeoutSeconds: watchTimeoutSeconds(params),
  };
}

const matches = (query: DerivedQuery, object: ServedObject): boolean =>
  (query.name === undefined || query.name === object.name) && query.labels.matches(object.labels);

function tableJson(
  table: CapacityTable,
  request: TableRequest,
  objects: readonly ServedObject[],
  version: string,
  withColumns = true,
): string {
  return JSON.stringify({
    kind: "Table",
    apiVersion: request.apiVersion,
    metadata: { resourceVersion: version },
    columnDefinitions: withColumns ? table.columns : [],
    rows: objects.map((o) => ({
      cells: table.cells(o.json),
      ...(request.includeObject === "Object"
        ? { object: o.json }
        : request.includeObject === "Metadata"
          ? {
              object: {
                kind: "PartialObjectMetadata",
                apiVersion: request.apiVersion,
                metadata: o.json["metadata"],
              },
            }
          : {}),
    })),
  });
}

export function serveGet(
  source: ObjectSource,
  table: CapacityTable,
  name: string,
  request: IncomingMessage,
  response: ServerResponse,
  params: URLSearchParams,
): void {
  const object = source.get(name);
  if (object === undefined)
    throw new NotFoundError(`${source.resource}.capacity.krm.dev "${name}" not found`, {
      name,
      group: "capacity.krm.dev",
      kind: source.resource,
    });
  const asTable = tableRequestOf(request.headers.accept, params);
  sendJson(
    response,
    200,
    asTable === undefined
      ? JSON.stringify(object.json)
      : tableJson(table, asTable, [object], object.version.toString()),
  );
}

/** A list or watch of a derived view, for `authorize` first and then `serve`. */
export interface CollectionRequest {
  /** Read from `watch` leniently (as the API server's request info does), for authorization. */
  readonly verb: "list" | "watch";
  /** Checks every parameter (a bad one is a 400) and answers. */
  serve(): void;
}

export function collectionRequest(
  source: ObjectSource,
  table: CapacityTable,
  request: IncomingMessage,
  response: ServerResponse,
  params: URLSearchParams,
): CollectionRequest {
  const watch = params.get("watch");
  const verb = watch === "true" || watch === "1" ? "watch" : "list";
  return {
    verb,
    serve: () => {
      const query = parseDerivedQuery(params);
      const asTable = tableRequestOf(request.headers.accept, params);
      if (verb === "watch") serveWatch(source, table, query, asTable, request, response);
      else serveList(source, table, query, asTable, response);
    },
  };
}

function serveList(
  source: ObjectSource,
  table: CapacityTable,
  query: DerivedQuery,
  asTable: TableRequest | undefined,
  response: ServerResponse,
): void {
  const version = source.version().toString();
  const objects = source
    .list()
    .filter((o) => matches(query, o))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (asTable !== undefined) {
    sendJson(response, 200, tableJson(table, asTable, objects, version));
    return;
  }
  sendJson(
    response,
    200,
    JSON.stringify({
      kind: `${source.kind}List`,
      apiVersion: source.apiVersion,
      metadata: { resourceVersion: version },
      items: objects.map((o) => o.json),
    }),
  );
}

function serveWatch(
  source: ObjectSource,
  table: CapacityTable,
  query: DerivedQuery,
  asTable: TableRequest | undefined,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache" });
  response.flushHeaders();
  let first = true;
  const render = (object: ServedObject): string => {
    const text =
      asTable === undefined
        ? JSON.stringify(object.json)
        : tableJson(table, asTable, [object], object.version.toString(), first);
    first = false;
    return text;
  };
  const sent = new Map<string, ServedObject>();
  const send = (type: "ADDED" | "MODIFIED" | "DELETED", object: ServedObject): void => {
    if (type === "DELETED") sent.delete(object.name);
    else sent.set(object.name, object);
    response.write(`{"type":"${type}","object":${render(object)}}\n`);
  };
  const since =
    query.resourceVersion === undefined || query.resourceVersion === "0"
      ? undefined
      : BigInt(query.resourceVersion);
  for (const object of source.list()) {
    if (!matches(query, object)) continue;
    if (since === undefined) send("ADDED", object);
    else if (object.version > since) send("MODIFIED", object);
    else sent.set(object.name, object);
  }
  const dirty = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    for (const name of dirty) {
      const now = source.get(name);
      const before = sent.get(name);
      if (now !== undefined && matches(query, now)) {
        if (before === undefined || before.version !== now.version)
          send(before === undefined ? "ADDED" : "MODIFIED", now);
      } else if (before !== undefined) {
        send("DELETED", before);
      }
    }
    dirty.clear();
  };
  const unsubscribe = source.subscribe((name) => {
    dirty.add(name);
    timer ??= setTimeout(flush, WATCH_COALESCE_MS);
  });
  const deadline = setTimeout(() => end(), query.timeoutSeconds * 1000);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    clearTimeout(deadline);
    if (timer !== undefined) clearTimeout(timer);
    if (!response.writableEnded) response.end();
  };
  request.on("close", end);
  response.on("error", end);
}
