import type { KubeAccess } from "../../core/kube-access.js";
import { collectionPath, type KindSpec } from "../../core/kinds.js";
import { kubeGetJson } from "../../core/kube-http.js";

/** The estimate is for the banner only; a slow answer is not waited for longer than this. */
export const COUNT_ESTIMATE_TIMEOUT_MS = 5_000;

interface OneItemList {
  readonly metadata?: { readonly continue?: string; readonly remainingItemCount?: number };
  readonly items?: readonly unknown[];
}

/**
 * How many objects of a kind there are, from a LIST with `limit=1`: its item plus the
 * `remainingItemCount` the API server gives paginated lists. A streaming list (what the
 * streamer uses where the server has it) carries no count, so this gives the startup banner
 * its "of N". Undefined when the server gives no count or does not answer in time.
 */
export async function estimateObjectCount(
  kubeConfig: KubeAccess,
  kind: KindSpec,
): Promise<number | undefined> {
  try {
    const body = (await kubeGetJson(kubeConfig, {
      path: collectionPath(kind),
      query: { limit: "1" },
      timeoutMs: COUNT_ESTIMATE_TIMEOUT_MS,
    })) as OneItemList;
    const items = body.items?.length ?? 0;
    const more = body.metadata?.continue;
    if (more === undefined || more === "") return items;
    const remaining = body.metadata?.remainingItemCount;
    return typeof remaining === "number" ? items + remaining : undefined;
  } catch {
    return undefined; // the cluster problem shows in the parts' reports
  }
}
