import {
  NAMESPACE_COUNT,
  NODE_COUNT,
  deploymentObject,
  namespaceName,
  namespaceObject,
  nodeName,
  nodeObject,
  podObject,
  podPlacement,
  serviceObject,
} from "./fixtures.js";
import { sendJson, type HttpTarget } from "./http-target.js";
import { runPool } from "./pool.js";

/** Creates in flight at once: enough to keep the API server and etcd busy on two cores. */
export const DEFAULT_CREATE_CONCURRENCY = 32;
/** One deployment and one service per this many pods. */
export const PODS_PER_DEPLOYMENT = 20;

export interface PopulationCounts {
  readonly pods: number;
  readonly deployments: number;
  readonly services: number;
  readonly nodes: number;
  readonly namespaces: number;
}

export function populationFor(pods: number): PopulationCounts {
  const perKind = Math.max(NAMESPACE_COUNT, Math.ceil(pods / PODS_PER_DEPLOYMENT));
  return { pods, deployments: perKind, services: perKind, nodes: NODE_COUNT, namespaces: NAMESPACE_COUNT };
}

export interface PopulateResult {
  readonly created: PopulationCounts;
  readonly durationMs: number;
  readonly podsPerSecond: number;
}

async function create(api: HttpTarget, path: string, body: object): Promise<void> {
  const { status, body: response } = await sendJson(api, "POST", path, body);
  // 409: already there from an earlier population step of this run.
  if (status !== 201 && status !== 200 && status !== 409) {
    throw new Error(`POST ${path}: HTTP ${status}: ${JSON.stringify(response).slice(0, 300)}`);
  }
}

/**
 * Grows the population on the API server from `from` to `to` (pods; other kinds follow the
 * pod count). Creating only the difference lets one run step through 1k, 10k, 50k.
 */
export async function populate(
  api: HttpTarget,
  from: PopulationCounts | undefined,
  to: PopulationCounts,
  concurrency = DEFAULT_CREATE_CONCURRENCY,
): Promise<PopulateResult> {
  const started = performance.now();
  if (from === undefined) {
    await runPool(0, to.namespaces, concurrency, (i) =>
      create(api, "/api/v1/namespaces", namespaceObject(namespaceName(i))),
    );
    await runPool(0, to.nodes, concurrency, (i) => create(api, "/api/v1/nodes", nodeObject(i)));
  }
  const podsStarted = performance.now();
  await runPool(from?.pods ?? 0, to.pods, concurrency, async (i) => {
    const { namespace, name } = podPlacement(i);
    await create(
      api,
      `/api/v1/namespaces/${namespace}/pods`,
      podObject({ namespace, name, index: i, nodeName: nodeName(i % NODE_COUNT) }),
    );
  });
  const podsMs = performance.now() - podsStarted;
  await runPool(from?.deployments ?? 0, to.deployments, concurrency, async (i) => {
    const namespace = namespaceName(i % NAMESPACE_COUNT);
    await create(api, `/apis/apps/v1/namespaces/${namespace}/deployments`, deploymentObject(namespace, i));
  });
  await runPool(from?.services ?? 0, to.services, concurrency, async (i) => {
    const namespace = namespaceName(i % NAMESPACE_COUNT);
    await create(api, `/api/v1/namespaces/${namespace}/services`, serviceObject(namespace, i));
  });
  const newPods = to.pods - (from?.pods ?? 0);
  return {
    created: to,
    durationMs: Math.round(performance.now() - started),
    podsPerSecond: podsMs > 0 ? Math.round((newPods / podsMs) * 1000) : 0,
  };
}
