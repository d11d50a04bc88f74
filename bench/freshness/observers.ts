import { request as httpRequest, type ClientRequest } from "node:http";
import { CoreV1Api, ListWatch, Watch, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { getJson, type HttpTarget } from "../http-target.js";
import type { VisibilityTracker } from "./visibility-tracker.js";

/** Something that watches the writer's namespace and feeds a tracker until stopped. */
export interface Observer {
  readonly name: string;
  stop(): Promise<void>;
}

interface WatchedObject {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
  };
}

interface WatchLine {
  readonly type?: string;
  readonly object?: WatchedObject;
}

function keyOf(object: WatchedObject | undefined): string | undefined {
  const meta = object?.metadata;
  if (meta?.name === undefined || meta.namespace === undefined) return undefined;
  return `${meta.namespace}/${meta.name}`;
}

function observe(
  tracker: VisibilityTracker,
  type: string | undefined,
  object: WatchedObject | undefined,
): void {
  const key = keyOf(object);
  const rv = object?.metadata?.resourceVersion;
  if (key === undefined) return;
  const at = performance.now();
  if (type === "DELETED") tracker.observed(key, "deleted", at);
  else if (rv !== undefined && (type === "ADDED" || type === "MODIFIED"))
    tracker.observed(key, BigInt(rv), at);
}

/** `GET …/pods?watch=true` on krm, newline-delimited watch events, as kubectl would read them. */
export function startKrmWatch(
  krm: HttpTarget,
  namespace: string,
  tracker: VisibilityTracker,
): Promise<Observer> {
  const url = new URL(`/api/v1/namespaces/${namespace}/pods?watch=true`, krm.baseUrl);
  return new Promise((resolve, reject) => {
    let request: ClientRequest | undefined = undefined;
    const stop = (): Promise<void> => {
      request?.destroy();
      return Promise.resolve();
    };
    request = httpRequest(url, { headers: { accept: "application/json", ...krm.headers } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`krm watch: HTTP ${res.statusCode ?? 0}`));
        res.resume();
        return;
      }
      let buffered = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line !== "") {
            const event = JSON.parse(line) as WatchLine;
            observe(tracker, event.type, event.object);
          }
          newline = buffered.indexOf("\n");
        }
      });
      res.on("error", () => undefined);
      resolve({ name: "krm-watch", stop });
    });
    request.on("error", (error) => reject(error));
    request.end();
  });
}

/**
 * How often the poller lists the namespace on krm at most (it also waits for the previous
 * answer). Polling costs this process JSON parsing that the writer, the watch and the informer
 * observers share a core with: every 50 ms, while the API server fell behind and the namespace
 * held a few hundred pods, it took most of this process's core and delayed every observer's
 * timestamps by seconds. Its figures include up to this much wait.
 */
export const DEFAULT_POLL_INTERVAL_MS = 500;

interface PodListBody {
  readonly metadata?: { readonly resourceVersion?: string };
  readonly items?: WatchedObject[];
}

/**
 * Lists the namespace on krm in a loop. Presence at a resourceVersion shows creates and updates;
 * a deletion shows as absence from a list whose resourceVersion is at least the delete's
 * (so an object krm never saw is not mistaken for a deleted one).
 */
export function startKrmPoll(
  krm: HttpTarget,
  namespace: string,
  tracker: VisibilityTracker,
  intervalMs = DEFAULT_POLL_INTERVAL_MS,
): Observer {
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const started = performance.now();
      try {
        const list = await getJson<PodListBody>(krm, `/api/v1/namespaces/${namespace}/pods`);
        const at = performance.now();
        const present = new Set<string>();
        for (const item of list.items ?? []) {
          const key = keyOf(item);
          const rv = item.metadata?.resourceVersion;
          if (key === undefined || rv === undefined) continue;
          present.add(key);
          tracker.observed(key, BigInt(rv), at);
        }
        const listRv = list.metadata?.resourceVersion;
        const served = listRv !== undefined && /^\d+$/.test(listRv) ? BigInt(listRv) : undefined;
        for (const { key, rv } of tracker.pendingDeletes()) {
          if (!present.has(key) && (served === undefined || served >= rv))
            tracker.observed(key, "deleted", at);
        }
      } catch {
        // A failed poll is just a missed chance to see writes; the next one retries.
      }
      const wait = intervalMs - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
  const done = loop();
  return {
    name: "krm-poll",
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/**
 * How the informer reconnects after the server closes a watch normally. client-node's
 * `makeInformer` waits 1 s, 2 s, 4 s … up to 30 s before each reconnect and never resets the
 * delay after a healthy watch; events written meanwhile arrive only after it. client-go
 * reconnects at once. The test control plane closes watches every 5–10 s
 * (`--min-request-timeout=5`), so the difference shows: both are measured.
 */
export type InformerReconnect = "immediate" | "client-node-default";

/** The peer: an in-process `@kubernetes/client-node` informer on the same namespace of the API server. */
export async function startInformer(
  kubeConfig: KubeConfig,
  namespace: string,
  tracker: VisibilityTracker,
  reconnect: InformerReconnect = "immediate",
): Promise<Observer> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const informer = new ListWatch<V1Pod>(
    `/api/v1/namespaces/${namespace}/pods`,
    new Watch(kubeConfig),
    () => core.listNamespacedPod({ namespace }),
    false,
    undefined,
    undefined,
    reconnect === "immediate" ? { delayFn: () => Promise.resolve() } : {},
  );
  informer.on("add", (pod) => observe(tracker, "ADDED", pod));
  informer.on("update", (pod) => observe(tracker, "MODIFIED", pod));
  informer.on("delete", (pod) => observe(tracker, "DELETED", pod));
  informer.on("error", () => undefined);
  await informer.start();
  return { name: `informer-${reconnect}`, stop: () => informer.stop() };
}
