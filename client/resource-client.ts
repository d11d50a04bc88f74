/**
 * List, get and watch of one resource through krm. Objects are deserialized with
 * @kubernetes/client-node's ObjectSerializer into its model types, as its own API classes
 * do (timestamps become `Date`s). A resource without a model type keeps plain JSON.
 */
import { ObjectSerializer } from "@kubernetes/client-node/dist/serializer.js";
import type { V1ListMeta } from "@kubernetes/client-node";
import { LineBuffer } from "../core/line-buffer.js";
import { KrmStatusError, type KrmStatus } from "./errors.js";
import type { Transport } from "./transport.js";

export interface ListOptions {
  /** Omit for a cluster-wide list. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Page size; 0 or absent: everything. */
  readonly limit?: number;
  /** `metadata.continue` of the previous page. */
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly signal?: AbortSignal;
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Resume after this resourceVersion (e.g. a list's); absent: start with ADDED for every object. */
  readonly resourceVersion?: string;
  readonly allowWatchBookmarks?: boolean;
  readonly timeoutSeconds?: number;
  /** Abort to end the watch; the iterator then finishes. */
  readonly signal?: AbortSignal;
}

/** Freshness of the answer, from krm's response headers. */
export interface Freshness {
  readonly resourceVersion?: string;
  readonly verifiedAt?: Date;
  readonly lastEventAgeMs?: number;
  /** True when the answering replica could not follow Redis (it served its last known state). */
  readonly stale: boolean;
}

export interface KrmList<T> {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: V1ListMeta;
  readonly items: T[];
  readonly freshness: Freshness;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK";

export interface WatchEvent<T> {
  readonly type: WatchEventType;
  /** For BOOKMARK only `metadata.resourceVersion` is set. */
  readonly object: T;
}

export interface ResourceClient<T> {
  list(options?: ListOptions): Promise<KrmList<T>>;
  /** Every page of a list (following `continue`), as one array. */
  listAll(options?: Omit<ListOptions, "continue">): Promise<T[]>;
  /** One object: `get(namespace, name)`, or `get(name)` for a cluster-scoped resource. */
  get(namespaceOrName: string, name?: string, options?: { signal?: AbortSignal }): Promise<T>;
  /** Changes as they happen; throws `KrmStatusError` on an ERROR event (410: relist). */
  watch(options?: WatchOptions): AsyncGenerator<WatchEvent<T>, void, undefined>;
}

export interface ResourceDescription {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  /** client-node model type, e.g. `V1Pod`; undefined keeps plain JSON objects. */
  readonly modelType?: string;
}

export function resourceClient<T>(transport: Transport, resource: ResourceDescription): ResourceClient<T> {
  const base =
    resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const collection = (namespace: string | undefined): string =>
    namespace === undefined || namespace === ""
      ? `${base}/${resource.plural}`
      : `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
  const decode = (value: unknown): T => {
    if (resource.modelType === undefined) return value as T;
    const model: unknown = ObjectSerializer.deserialize(value, resource.modelType);
    return model as T;
  };

  const list = async (options: ListOptions = {}): Promise<KrmList<T>> => {
    const query = new URLSearchParams();
    setIf(query, "labelSelector", options.labelSelector);
    setIf(query, "fieldSelector", options.fieldSelector);
    setIf(
      query,
      "limit",
      options.limit !== undefined && options.limit > 0 ? String(options.limit) : undefined,
    );
    setIf(query, "continue", options.continue);
    setIf(query, "resourceVersion", options.resourceVersion);
    const response = await transport.get(collection(options.namespace), query, options.signal);
    const body = (await response.json()) as {
      apiVersion: string;
      kind: string;
      metadata?: unknown;
      items?: unknown[];
    };
    const metadata: unknown = ObjectSerializer.deserialize(body.metadata ?? {}, "V1ListMeta");
    return {
      apiVersion: body.apiVersion,
      kind: body.kind,
      metadata: metadata as V1ListMeta,
      items: (body.items ?? []).map(decode),
      freshness: freshnessOf(response.headers),
    };
  };

  return {
    list,
    async listAll(options = {}) {
      const items: T[] = [];
      let token: string | undefined;
      do {
        const page = await list({ ...options, ...(token !== undefined ? { continue: token } : {}) });
        items.push(...page.items);
        token = page.metadata._continue;
      } while (token !== undefined && token !== "");
      return items;
    },
    async get(namespaceOrName, name, options = {}) {
      const [namespace, objectName] =
        name === undefined ? [undefined, namespaceOrName] : [namespaceOrName, name];
      const response = await transport.get(
        `${collection(namespace)}/${encodeURIComponent(objectName)}`,
        new URLSearchParams(),
        options.signal,
      );
      return decode(await response.json());
    },
    async *watch(options = {}) {
      const query = new URLSearchParams({ watch: "true" });
      setIf(query, "labelSelector", options.labelSelector);
      setIf(query, "fieldSelector", options.fieldSelector);
      setIf(query, "resourceVersion", options.resourceVersion);
      setIf(query, "allowWatchBookmarks", options.allowWatchBookmarks === true ? "true" : undefined);
      setIf(
        query,
        "timeoutSeconds",
        options.timeoutSeconds !== undefined ? String(options.timeoutSeconds) : undefined,
      );
      const response = await transport.get(collection(options.namespace), query, options.signal, true);
      try {
        for await (const line of lines(response, options.signal)) {
          const event = JSON.parse(line) as { type: string; object: unknown };
          if (event.type === "ERROR") {
            const status = event.object as KrmStatus;
            throw new KrmStatusError(status.code ?? 500, status);
          }
          const type = event.type as WatchEventType;
          yield { type, object: type === "BOOKMARK" ? (event.object as T) : decode(event.object) };
        }
      } finally {
        await response.body?.cancel().catch(() => undefined);
      }
    },
  };
}

async function* lines(response: Response, signal: AbortSignal | undefined): AsyncGenerator<string> {
  const body = response.body;
  if (body === null) return;
  const decoder = new TextDecoder();
  const buffer = new LineBuffer();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* buffer.push(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if (signal?.aborted === true) return;
    throw error;
  } finally {
    reader.releaseLock();
  }
  yield* buffer.end();
}

function setIf(query: URLSearchParams, name: string, value: string | undefined): void {
  if (value !== undefined && value !== "") query.set(name, value);
}

function freshnessOf(headers: Headers): Freshness {
  const rv = headers.get("x-krm-resource-version");
  const verifiedAt = headers.get("x-krm-verified-at");
  const age = headers.get("x-krm-last-event-age-ms");
  return {
    ...(rv !== null ? { resourceVersion: rv } : {}),
    ...(verifiedAt !== null ? { verifiedAt: new Date(verifiedAt) } : {}),
    ...(age !== null && Number.isFinite(Number(age)) ? { lastEventAgeMs: Number(age) } : {}),
    stale: headers.get("x-krm-stale") === "true",
  };
}
