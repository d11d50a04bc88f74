/**
 * Paginated LIST of one kind (`limit` + `continue`), delivered page by page so a big
 * collection never has to sit in memory at once.
 */
import type { KubeAccess } from "./kube-access.js";
import { apiVersionOf, collectionPath, type KindSpec } from "./kinds.js";
import { isExpiredContinue } from "./kube-errors.js";
import { kubeGetJson } from "./kube-http.js";
import type { KubeObject } from "./object-key.js";

/** Page size when none is configured: the verifier's documented default. */
export const DEFAULT_PAGE_SIZE = 500;
/** A list restarted this many times in a row on expired continue tokens gives up (the caller backs off). */
export const MAX_LIST_RESTARTS = 5;

export interface ListPagesOptions {
  readonly kubeConfig: KubeAccess;
  readonly kind: KindSpec;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /** Deadline of one page request; default `KUBE_GET_TIMEOUT_MS` (core/kube-http.ts). */
  readonly pageTimeoutMs?: number;
  /** Receives each page's objects, complete with apiVersion and kind (LIST items lack them). */
  readonly onPage: (objects: readonly KubeObject[], page?: ListPage) => Promise<void>;
  /**
   * Called when the continue token expired and the list starts over from page one: the
   * pages delivered so far must be discarded, they are not one consistent snapshot.
   */
  readonly onRestart: () => Promise<void>;
}

/** How far a list has come, after a page. */
export interface ListPage {
  /** Objects delivered so far (this page included). */
  readonly listed: number;
  /**
   * Objects still to come, from the page's `remainingItemCount` (an estimate the API server
   * gives for paginated lists without selectors); undefined when it gave none.
   */
  readonly remaining?: number;
}

export interface ListResult {
  /** resourceVersion of the whole list (the first page's, which every page shares). */
  readonly resourceVersion: string;
  readonly count: number;
}

interface ListBody {
  readonly metadata?: {
    readonly resourceVersion?: string;
    readonly continue?: string;
    readonly remainingItemCount?: number;
  };
  readonly items?: readonly KubeObject[];
}

/** Lists the whole kind page by page; restarts from page one on an expired continue token. */
export async function listPages(options: ListPagesOptions): Promise<ListResult> {
  for (let restarts = 0; ; restarts += 1) {
    try {
      return await listOnce(options);
    } catch (error) {
      if (!isExpiredContinue(error) || restarts >= MAX_LIST_RESTARTS) throw error;
      await options.onRestart();
    }
  }
}

async function listOnce(options: ListPagesOptions): Promise<ListResult> {
  const apiVersion = apiVersionOf(options.kind);
  const limit = String(options.pageSize ?? DEFAULT_PAGE_SIZE);
  let continueToken: string | undefined;
  let resourceVersion: string | undefined;
  let count = 0;
  do {
    const body = (await kubeGetJson(options.kubeConfig, {
      path: collectionPath(options.kind),
      query: { limit, continue: continueToken },
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.pageTimeoutMs !== undefined ? { timeoutMs: options.pageTimeoutMs } : {}),
    })) as ListBody;
    resourceVersion ??= body.metadata?.resourceVersion;
    const objects = (body.items ?? []).map((item) => ({ apiVersion, kind: options.kind.kind, ...item }));
    count += objects.length;
    const remaining = body.metadata?.remainingItemCount;
    await options.onPage(objects, { listed: count, ...(typeof remaining === "number" ? { remaining } : {}) });
    const next = body.metadata?.continue;
    continueToken = next === undefined || next === "" ? undefined : next;
  } while (continueToken !== undefined);
  if (resourceVersion === undefined) throw new Error(`LIST ${options.kind.id} returned no resourceVersion`);
  return { resourceVersion, count };
}
