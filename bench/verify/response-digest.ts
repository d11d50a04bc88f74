import { objectKey } from "../../core/object-key.js";
import { scanList } from "./list-scan.js";

/**
 * What two answers must agree on to be equal: the served resourceVersion and, per object, its
 * key, uid and resourceVersion. Counts alone would let a stale or mixed answer pass.
 */
export interface ItemVersion {
  readonly key: string;
  readonly uid: string;
  readonly rv: string;
}

export interface ResponseDigest {
  /** Sorted by key. */
  readonly items: readonly ItemVersion[];
}

interface ObjectMeta {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
  };
}

function itemOf(object: ObjectMeta): ItemVersion {
  const meta = object.metadata ?? {};
  return {
    key: objectKey(meta.namespace, meta.name ?? ""),
    uid: meta.uid ?? "",
    rv: meta.resourceVersion ?? "",
  };
}

/**
 * Digest of a response body, list or single object, of any size (list-scan.ts), with the
 * resourceVersion a list says it was served at.
 */
export function digestOfBody(body: Buffer): { readonly listRv?: string; readonly digest: ResponseDigest } {
  const { head, items } = scanList(body);
  const list = head as { items?: unknown; metadata?: { resourceVersion?: string } };
  if (!Array.isArray(list.items)) return { digest: digestOf(head) };
  // One item parsed at a time: 100k parsed pods at once would take gigabytes of heap.
  const digest = sortedDigest(items.map((item) => itemOf(JSON.parse(item.toString("utf8")) as ObjectMeta)));
  const listRv = list.metadata?.resourceVersion;
  return { ...(listRv !== undefined ? { listRv } : {}), digest };
}

/** Digest of a parsed list (`items`) or single object. */
export function digestOf(body: unknown): ResponseDigest {
  const list = body as { items?: ObjectMeta[] };
  const objects = Array.isArray(list.items) ? list.items : [body as ObjectMeta];
  return sortedDigest(objects.map(itemOf));
}

/** A digest of `items`, sorted by key as every digest is. */
export function sortedDigest(items: ItemVersion[]): ResponseDigest {
  return { items: items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) };
}

/** Differences shown per mismatch at most; the rest are counted. */
export const MAX_DIFFERENCES = 5;

/** Human-readable differences between krm's digest and the API server's; empty when equal. */
export function differences(krm: ResponseDigest, apiServer: ResponseDigest): string[] {
  const theirs = new Map(apiServer.items.map((item) => [item.key, item]));
  const ours = new Map(krm.items.map((item) => [item.key, item]));
  const out: string[] = [];
  for (const item of krm.items) {
    const other = theirs.get(item.key);
    if (other === undefined) out.push(`${item.key}: krm has it (rv ${item.rv}), the API server does not`);
    else if (other.uid !== item.uid || other.rv !== item.rv)
      out.push(`${item.key}: krm uid ${item.uid} rv ${item.rv}, API server uid ${other.uid} rv ${other.rv}`);
  }
  for (const item of apiServer.items) {
    if (!ours.has(item.key)) out.push(`${item.key}: the API server has it (rv ${item.rv}), krm does not`);
  }
  if (out.length <= MAX_DIFFERENCES) return out;
  return [...out.slice(0, MAX_DIFFERENCES), `… and ${out.length - MAX_DIFFERENCES} more`];
}

/**
 * The API server request that answers `path` exactly as of `rv`: the same list with
 * `resourceVersion=<rv>&resourceVersionMatch=Exact`, and for a single object the list of its
 * namespace narrowed to its name (a get cannot ask for an exact resourceVersion).
 */
export function exactPathFor(path: string, rv: string): string {
  const url = new URL(path, "http://x");
  const get = /^(\/api\/v1\/namespaces\/[^/]+\/pods)\/([^/]+)$/.exec(url.pathname);
  if (get?.[1] !== undefined && get[2] !== undefined) {
    url.pathname = get[1];
    url.searchParams.set("fieldSelector", `metadata.name=${decodeURIComponent(get[2])}`);
  }
  url.searchParams.set("resourceVersion", rv);
  url.searchParams.set("resourceVersionMatch", "Exact");
  return `${url.pathname}${url.search}`;
}
