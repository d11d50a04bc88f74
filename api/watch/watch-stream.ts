/**
 * `watch=true`: streams the replica's changes in the Kubernetes watch format, one JSON
 * object per line (`{"type":"ADDED","object":{…}}`). Starts with synthetic ADDED events for
 * the current state (resourceVersion unset or "0", or sendInitialEvents=true) or with the
 * changes after a given resourceVersion (an ERROR event with 410 Expired when that is older
 * than the change ring, as the API server's watch cache does). With selectors, an object that
 * starts or stops matching is sent as ADDED or DELETED, as the API server does.
 */
import { parseResourceVersion } from "../../core/resource-version.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { apiVersionOf } from "../../core/kinds.js";
import type { WatchEventType } from "../../core/records.js";
import type { CachedObject } from "../replica/cached-object.js";
import type { ReplicaEvent } from "../replica/kind-replica.js";
import type { ServedKind } from "../served-kind.js";
import { matcher } from "../list/list-response.js";
import { MAX_WATCH_BUFFER_BYTES } from "./watch-limits.js";
import type { ListQuery } from "../list/list-query.js";

/** How often a watch with allowWatchBookmarks gets a BOOKMARK (the API server sends about one a minute). */
export const DEFAULT_BOOKMARK_INTERVAL_MS = 30_000;

export interface WatchOptions {
  readonly kind: ServedKind;
  readonly query: ListQuery;
  readonly namespace: string | undefined;
  readonly headers: Record<string, string>;
  readonly bookmarkIntervalMs: number;
  /**
   * Renders an event's object; default its JSON. Table watches pass a renderer; `first` is
   * true for the first object sent (a Table carries its column definitions only then).
   */
  readonly render?: (object: CachedObject, first: boolean) => string | Buffer;
  /** Called once when the watch ends, for metrics. */
  readonly onEnd?: () => void;
  /**
   * Told the unsent bytes after each write (0 on drain); true means the watcher is too slow
   * to follow and is cut, so it relists (watch-limits.ts). Default: over MAX_WATCH_BUFFER_BYTES.
   */
  readonly buffered?: (bytes: number) => boolean;
}

const EVENT_END = Buffer.from("}\n");
const toBuffer = (chunk: string | Buffer): Buffer => (typeof chunk === "string" ? Buffer.from(chunk) : chunk);

export function serveWatch(request: IncomingMessage, response: ServerResponse, options: WatchOptions): void {
  const { kind, query, namespace } = options;
  const replica = kind.replica;
  const filter = matcher(query);
  const inScope = (o: CachedObject): boolean => namespace === undefined || o.namespace === namespace;
  const matches = (o: CachedObject): boolean => inScope(o) && (filter === undefined || filter(o.view));

  response.writeHead(200, {
    ...options.headers,
    "Content-Type": "application/json",
    "Cache-Control": "no-cache",
  });
  response.flushHeaders();

  const tooSlow = options.buffered ?? ((bytes: number) => bytes > MAX_WATCH_BUFFER_BYTES);
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => undefined;
  const end = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
    if (!response.writableEnded) response.end();
    options.onEnd?.();
  };
  const write = (line: string | Buffer): void => {
    if (ended) return;
    response.write(line);
    if (tooSlow(response.writableLength)) {
      response.destroy();
      end();
    }
  };
  let first = true;
  const render = options.render ?? ((object: CachedObject) => object.bytes);
  const send = (type: WatchEventType, object: CachedObject): void => {
    write(
      Buffer.concat([Buffer.from(`{"type":"${type}","object":`), toBuffer(render(object, first)), EVENT_END]),
    );
    first = false;
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata = {
      resourceVersion: replica.resourceVersion.toString(),
      ...(annotations ? { annotations } : {}),
    };
    write(
      `{"type":"BOOKMARK","object":${JSON.stringify({ kind: kind.spec.kind, apiVersion: apiVersionOf(kind.spec), metadata })}}\n`,
    );
  };
  const deliver = (event: ReplicaEvent): void => {
    const now = event.type !== "DELETED" && matches(event.object);
    const before =
      event.type === "DELETED"
        ? matches(event.object)
        : event.previous !== undefined && matches(event.previous);
    if (event.type === "DELETED") {
      if (before) send("DELETED", event.object);
    } else if (now) {
      send(before ? event.type : "ADDED", event.object);
    } else if (before && event.previous !== undefined) {
      send("DELETED", event.object);
    }
  };

  request.on("close", end);
  response.on("error", end);
  response.on("drain", () => tooSlow(0));

  const rv = query.resourceVersion;
  const initial = query.sendInitialEvents ?? (rv === undefined || rv === "0");
  if (initial) {
    for (const object of replica.objectsAt(replica.position, namespace, "") ?? []) {
      if (ended) return;
      if (filter === undefined || filter(object.view)) send("ADDED", object);
    }
    if (query.sendInitialEvents === true) bookmark({ "k8s.io/initial-events-end": "true" });
  } else if (rv !== undefined) {
    const history = replica.eventsAfter(parseResourceVersion(rv));
    if (history === "gone") {
      const status = {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `too old resource version: ${rv} (${replica.resourceVersion.toString()})`,
        reason: "Expired",
        code: 410,
      };
      write(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
      end();
      return;
    }
    for (const event of history) deliver(event);
  }
  unsubscribe = replica.subscribe({ onEvent: deliver, onReset: end });
  timers.push(setTimeout(end, query.timeoutSeconds * 1000));
  if (query.allowWatchBookmarks) {
    const tick = (): void => {
      bookmark();
      timers[1] = setTimeout(tick, options.bookmarkIntervalMs);
    };
    timers[1] = setTimeout(tick, options.bookmarkIntervalMs);
  }
}
