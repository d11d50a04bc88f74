// Smoke tests of what the streamer and verifier rely on from a real kube-apiserver: bookmarks,
// streaming lists ending with the initial-events-end bookmark, and 410 Gone after etcd
// compaction or an API server restart. They also show how the test helpers produce each one.
import { randomBytes } from "node:crypto";
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startControlPlane, type ControlPlane } from "../../local/cluster/control-plane.js";
import { sharedCluster } from "../support/shared-cluster.js";
import { collectWatch, isGone, type WatchEvent } from "../support/watch-events.js";

/**
 * The API server sends a bookmark 2 s before a watch's deadline (else once a minute), so a
 * short timeoutSeconds brings one within seconds.
 */
const BOOKMARK_WATCH_TIMEOUT_SECONDS = 5;
const WATCH_DEADLINE_MS = 20_000;

function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

async function createConfigMaps(core: CoreV1Api, namespace: string, count: number): Promise<void> {
  for (let index = 0; index < count; index += 1) {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: uniqueName("cm") } } });
  }
}

const isBookmark = (event: WatchEvent): boolean => event.type === "BOOKMARK";

describe("watch features on the shared control plane", () => {
  const cluster = sharedCluster();
  const namespace = uniqueName("watch");
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;

  beforeAll(async () => {
    kubeConfig = cluster.kubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  test("a watch with allowWatchBookmarks gets a BOOKMARK with a newer resourceVersion", async () => {
    const start = (await core.listNamespacedPod({ namespace })).metadata?.resourceVersion ?? "";
    const watching = collectWatch({
      kubeConfig,
      path: `/api/v1/namespaces/${namespace}/pods`,
      query: {
        resourceVersion: start,
        allowWatchBookmarks: true,
        timeoutSeconds: BOOKMARK_WATCH_TIMEOUT_SECONDS,
      },
      until: (events) => events.some(isBookmark),
      timeoutMs: WATCH_DEADLINE_MS,
    });
    // A bookmark is only sent when the watch cache has moved past the watch's start: write
    // elsewhere, then a consistent list makes the pods cache catch up with etcd's revision.
    await createConfigMaps(core, namespace, 1);
    await core.listNamespacedPod({ namespace });

    const outcome = await watching;
    const bookmark = outcome.events.find(isBookmark);
    expect(bookmark?.object.kind).toBe("Pod");
    expect(BigInt(bookmark?.object.metadata?.resourceVersion ?? "0")).toBeGreaterThan(BigInt(start));
  });

  test("a streaming list sends the existing objects, then a bookmark marked initial-events-end", async () => {
    await createConfigMaps(core, namespace, 3);
    const outcome = await collectWatch({
      kubeConfig,
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      query: {
        sendInitialEvents: true,
        resourceVersionMatch: "NotOlderThan",
        allowWatchBookmarks: true,
        timeoutSeconds: 30,
      },
      until: (events) => events.some(isBookmark),
      timeoutMs: WATCH_DEADLINE_MS,
    });
    const bookmarkIndex = outcome.events.findIndex(isBookmark);
    const initial = outcome.events.slice(0, bookmarkIndex);
    // Configmaps written by the other test are here too; "kube-root-ca.crt" is not (no controller-manager).
    expect(initial.length).toBeGreaterThanOrEqual(3);
    expect(initial.every((event) => event.type === "ADDED")).toBe(true);
    const bookmark = outcome.events[bookmarkIndex];
    expect(bookmark?.object.metadata?.annotations?.["k8s.io/initial-events-end"]).toBe("true");
  });
});

describe("410 Gone on a dedicated control plane", () => {
  let controlPlane: ControlPlane;
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;
  const namespace = uniqueName("gone");

  beforeAll(async () => {
    // Configmaps bypass the watch cache so that etcd compaction reaches watches directly;
    // pods keep it, to show the cache-side 410 after a restart.
    controlPlane = await startControlPlane({ watchCacheDisabledFor: ["configmaps"] });
    kubeConfig = controlPlane.kubeConfig();
    core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await controlPlane.stop();
  });

  test("a watch from a resourceVersion older than an etcd compaction ends with 410", async () => {
    const old = (await core.listNamespacedConfigMap({ namespace })).metadata?.resourceVersion ?? "";
    await createConfigMaps(core, namespace, 3);
    const compactedAt = await controlPlane.compactEtcd();
    expect(compactedAt).toBeGreaterThan(Number(old));

    const outcome = await collectWatch({
      kubeConfig,
      path: `/api/v1/namespaces/${namespace}/configmaps`,
      query: { resourceVersion: old, allowWatchBookmarks: true, timeoutSeconds: 30 },
      until: (events) => events.some((event) => event.type === "ERROR"),
      timeoutMs: WATCH_DEADLINE_MS,
    });
    expect(isGone(outcome)).toBe(true);
  });

  test("a continue token older than an etcd compaction is refused with 410", async () => {
    await createConfigMaps(core, namespace, 3);
    const firstPage = await core.listNamespacedConfigMap({ namespace, limit: 1 });
    const continueToken = firstPage.metadata?._continue;
    expect(continueToken).toBeTruthy();
    await createConfigMaps(core, namespace, 1);
    await controlPlane.compactEtcd();

    await expect(
      core.listNamespacedConfigMap({ namespace, limit: 1, _continue: continueToken }),
    ).rejects.toMatchObject({ code: 410 });
  });

  test("after an API server restart a watch from before it ends with 410, served from the new watch cache", async () => {
    const old = (await core.listNamespacedPod({ namespace })).metadata?.resourceVersion ?? "";
    await createConfigMaps(core, namespace, 1);
    await controlPlane.restartApiServer();

    const outcome = await collectWatch({
      kubeConfig,
      path: `/api/v1/namespaces/${namespace}/pods`,
      query: { resourceVersion: old, allowWatchBookmarks: true, timeoutSeconds: 30 },
      until: (events) => events.some((event) => event.type === "ERROR"),
      timeoutMs: WATCH_DEADLINE_MS,
    });
    expect(isGone(outcome)).toBe(true);
    expect(outcome.events.find((event) => event.type === "ERROR")?.object.message).toMatch(
      /too old resource version/,
    );
  });
});
