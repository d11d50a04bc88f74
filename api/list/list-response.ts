/**
 * Builds a list response body from pre-serialized objects: the items' UTF-8 bytes are
 * concatenated, never re-serialized, so a list costs a walk of the key index and a copy.
 * A whole unfiltered list (the common informer/kubectl case) small enough is kept as one
 * buffer until the objects it holds change, so repeated reads cost one socket write; the
 * cache is bounded by bytes (it copies the objects' bytes, and at 10k pods an unbounded one
 * held every object twice: cluster-wide and per namespace).
 */
import { LRUCache } from "lru-cache";
import { parseResourceVersion } from "../../core/resource-version.js";
import { apiVersionOf } from "../../core/kinds.js";
import type { KubeObject } from "../../core/object-key.js";
import { ApiError, ExpiredError, ServiceUnavailableError } from "../errors.js";
import type { CachedObject } from "../replica/cached-object.js";
import { compareStreamIds } from "../../core/stream-id.js";
import type { ServedKind } from "../served-kind.js";
import type { ChunkedBody } from "../http/respond.js";
import { encodeContinue } from "./continue-token.js";
import type { ListQuery } from "./list-query.js";

/** Retry-After when a continue token comes from a replica further along the feed than this one. */
const BEHIND_RETRY_AFTER_SECONDS = 1;

export const EXPIRED_CONTINUE_MESSAGE =
  "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.";

/** One page of a list: the objects in key order and the list metadata as JSON. */
export interface ListPage {
  readonly objects: CachedObject[];
  readonly metadataJson: string;
}

const COMMA = Buffer.from(",");
const LIST_END = Buffer.from("]}");

/** Bytes of whole-list bodies kept per replica (the least recently used are dropped first). */
export const DEFAULT_WHOLE_LIST_CACHE_BYTES = 8 * 1024 * 1024;

interface CachedBody {
  readonly version: string;
  readonly body: Buffer;
}

/**
 * Whole-list bodies of one replica by scope ("" for cluster-wide, else `ns:<namespace>`),
 * bounded by their total size; the least recently used are dropped first (lru-cache).
 */
type BodyCache = LRUCache<string, CachedBody>;

const wholeListCache = new WeakMap<object, BodyCache>();

export function listBody(
  kind: ServedKind,
  query: ListQuery,
  namespace: string | undefined,
  maxCacheBytes = DEFAULT_WHOLE_LIST_CACHE_BYTES,
): ChunkedBody {
  const cacheable =
    query.limit === 0 &&
    query.continueFrom === undefined &&
    matcher(query) === undefined &&
    (query.resourceVersion === undefined || query.resourceVersion === "0");
  // Uncached bodies go out as chunks (one writev), never copied into one big buffer.
  if (!cacheable) return renderList(kind, selectPage(kind, query, namespace));
  let cache = wholeListCache.get(kind.replica);
  if (cache === undefined) {
    cache = new LRUCache<string, CachedBody>({
      maxSize: maxCacheBytes,
      sizeCalculation: (entry) => Math.max(1, entry.body.length),
    });
    wholeListCache.set(kind.replica, cache);
  }
  const scope = namespace === undefined ? "" : `ns:${namespace}`;
  const version = kind.replica.contentVersion(namespace);
  const cached = cache.get(scope);
  if (cached !== undefined) {
    if (cached.version === version) return { chunks: [cached.body], length: cached.body.length };
    cache.delete(scope);
  }
  const rendered = renderList(kind, selectPage(kind, query, namespace));
  // Too big to keep without evicting most of the rest: served as chunks, like uncached bodies.
  if (rendered.length > maxCacheBytes / 2) return rendered;
  const body = Buffer.concat(rendered.chunks, rendered.length);
  cache.set(scope, { version, body });
  return { chunks: [body], length: body.length };
}

function renderList(kind: ServedKind, page: ListPage): ChunkedBody {
  const head = Buffer.from(
    `{"kind":${JSON.stringify(`${kind.spec.kind}List`)},"apiVersion":${JSON.stringify(apiVersionOf(kind.spec))},"metadata":${page.metadataJson},"items":[`,
  );
  const chunks: Buffer[] = [head];
  let length = head.length + LIST_END.length;
  page.objects.forEach((object, i) => {
    if (i > 0) {
      chunks.push(COMMA);
      length += 1;
    }
    chunks.push(object.bytes);
    length += object.bytes.length;
  });
  chunks.push(LIST_END);
  return { chunks, length };
}

export function selectPage(kind: ServedKind, query: ListQuery, namespace: string | undefined): ListPage {
  const replica = kind.replica;
  const epoch = replica.meta?.epoch ?? "";
  let position = replica.position;
  let resourceVersion = replica.resourceVersion.toString();
  let afterKey = "";
  const token = query.continueFrom;
  if (token !== undefined) {
    if (token.epoch !== epoch) throw new ExpiredError(EXPIRED_CONTINUE_MESSAGE);
    ({ position, resourceVersion } = token);
    afterKey = token.lastKey;
  } else if (query.resourceVersion !== undefined && query.resourceVersion !== "0") {
    const wanted = parseResourceVersion(query.resourceVersion);
    if (wanted > replica.resourceVersion) {
      throw new ApiError(
        504,
        "Timeout",
        `Too large resource version: ${query.resourceVersion}, current: ${resourceVersion}`,
      );
    }
    if (query.resourceVersionMatch === "Exact" && wanted !== replica.resourceVersion) {
      throw new ExpiredError(`too old resource version: ${query.resourceVersion} (${resourceVersion})`);
    }
  }
  const objects =
    position === replica.position
      ? (indexedCandidates(kind, query, namespace, afterKey) ??
        replica.objectsAt(position, namespace, afterKey))
      : replica.objectsAt(position, namespace, afterKey);
  if (objects === undefined) {
    if (token !== undefined && compareStreamIds(position, replica.position) > 0) {
      throw new ServiceUnavailableError(
        "this API replica has not caught up with the continue token yet",
        BEHIND_RETRY_AFTER_SECONDS,
      );
    }
    throw new ExpiredError(EXPIRED_CONTINUE_MESSAGE);
  }
  const filter = matcher(query);
  const items: CachedObject[] = [];
  let last: CachedObject | undefined;
  let more = false;
  for (const object of objects) {
    if (query.limit > 0 && items.length >= query.limit) {
      more = true;
      break;
    }
    if (filter !== undefined && !filter(object.view)) continue;
    items.push(object);
    last = object;
  }
  let metadata = `{"resourceVersion":${JSON.stringify(resourceVersion)}`;
  if (more && last !== undefined) {
    const next = encodeContinue({ kind: kind.spec.id, epoch, position, resourceVersion, lastKey: last.key });
    metadata += `,"continue":${JSON.stringify(next)}`;
    if (filter === undefined && position === replica.position) {
      metadata += `,"remainingItemCount":${replica.remainingAfter(namespace, last.key)}`;
    }
  }
  metadata += "}";
  return { objects: items, metadataJson: metadata };
}

/**
 * For a list at the current state with an `=`/`in` label requirement: only the objects
 * carrying one of its values (from the label index), when that is fewer than a namespace
 * or kind walk would visit. The full selector still filters them afterwards.
 */
function indexedCandidates(
  kind: ServedKind,
  query: ListQuery,
  namespace: string | undefined,
  afterKey: string,
): CachedObject[] | undefined {
  const replica = kind.replica;
  let best: { key: string; values: readonly string[]; count: number } | undefined;
  for (const requirement of query.labelSelector.requirements) {
    if (requirement.operator !== "eq" && requirement.operator !== "in") continue;
    const count = replica.countWithLabel(requirement.key, requirement.values);
    if (best === undefined || count < best.count)
      best = { key: requirement.key, values: requirement.values, count };
  }
  // Worth it only when it visits clearly fewer objects than walking the scope would.
  if (best === undefined || best.count >= replica.remainingAfter(namespace, "") / 4) return undefined;
  return replica.currentWithLabel(best.key, best.values, namespace, afterKey);
}

/**
 * The object filter of a query; undefined when everything matches (the fast path). Apply it
 * to a `CachedObject.view`, which holds every field a selector may read.
 */
export function matcher(query: ListQuery): ((object: KubeObject) => boolean) | undefined {
  const label = query.labelSelector.requirements.length > 0 ? query.labelSelector : undefined;
  const field = query.fieldSelector;
  if (label === undefined && field === undefined) return undefined;
  return (object) =>
    (label === undefined || label.matches(object.metadata.labels)) &&
    (field === undefined || field.matches(object));
}
