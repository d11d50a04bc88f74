/**
 * Capacity figures two ways, for the cluster tests: as krm serves them (nodepools, consumers)
 * and as capacity/testing/full-recompute.ts computes them from a fresh LIST of the API server;
 * {@link expectFiguresEqualWithinWindow} polls until both agree or the freshness window passes.
 */
import type { CoreV1Api, V1Node, V1Pod } from "@kubernetes/client-node";
import { expect } from "vitest";
import { recomputeConsumers, recomputePools } from "../../../capacity/testing/full-recompute.js";
import type { NodeLike, PodLike } from "../../../capacity/model/index.js";
import { httpGet, json } from "../../api/helpers/http-get.js";
import { waitUntil } from "../../../local/wait-until.js";

/** How long figures may trail the API server under churn (watch → Redis → replica → aggregates). */
export const FRESHNESS_WINDOW_MS = 15_000;

interface ServedPool {
  metadata: { name: string };
  status: {
    nodes: { schedulable: number; unschedulable: number };
    allocatable: Record<string, string>;
    requested: Record<string, string>;
    limits: Record<string, string>;
    unschedulableNodes: { allocatable: Record<string, string>; requested: Record<string, string> };
  };
}
interface ServedConsumer {
  metadata: { name: string };
  status?: {
    pods: { running: number; pending: number };
    requests: Record<string, string>;
    limits: Record<string, string>;
    pending: Record<string, string>;
  };
}

export interface FigureScope {
  readonly core: CoreV1Api;
  /** krm's API base URL. */
  readonly apiUrl: string;
  readonly poolLabel: string;
  /** The pools compared (other tests may share the cluster). */
  readonly pools: readonly string[];
  /** The one consumer (namespace) compared. */
  readonly namespace: string;
}

export interface Figures {
  readonly krm: { pools: Record<string, unknown>; consumer: unknown };
  readonly truth: { pools: Record<string, unknown>; consumer: unknown };
}

const asJson = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/** Both sides, for the scope's pools and namespace only. */
export async function compareFigures(scope: FigureScope): Promise<Figures> {
  const { core, apiUrl, poolLabel, pools, namespace } = scope;
  const [nodes, pods] = await Promise.all([core.listNode(), core.listNamespacedPod({ namespace })]);
  const mine = nodes.items.filter((n: V1Node) => pools.includes(n.metadata?.labels?.[poolLabel] ?? ""));
  const truthPools = recomputePools(
    asJson<NodeLike[]>(mine),
    asJson<PodLike[]>(pods.items.map((p: V1Pod) => p)),
    poolLabel,
  );
  const truthConsumers = recomputeConsumers(asJson<PodLike[]>(pods.items));
  const served = json<{ items: ServedPool[] }>(
    await httpGet(`${apiUrl}/apis/capacity.krm.dev/v1alpha1/nodepools`),
  ).items.filter((p) => pools.includes(p.metadata.name));
  const consumer = json<ServedConsumer>(
    await httpGet(`${apiUrl}/apis/capacity.krm.dev/v1alpha1/consumers/${namespace}`),
  );
  return {
    krm: {
      pools: Object.fromEntries(
        served.map((p) => [
          p.metadata.name,
          {
            nodes: p.status.nodes.schedulable,
            closedNodes: p.status.nodes.unschedulable,
            allocatable: p.status.allocatable,
            requested: p.status.requested,
            limits: p.status.limits,
            closedAllocatable: p.status.unschedulableNodes.allocatable,
            closedRequested: p.status.unschedulableNodes.requested,
          },
        ]),
      ),
      consumer:
        consumer.status === undefined
          ? undefined
          : {
              runningPods: consumer.status.pods.running,
              pendingPods: consumer.status.pods.pending,
              requests: consumer.status.requests,
              limits: consumer.status.limits,
              pending: consumer.status.pending,
            },
    },
    truth: { pools: Object.fromEntries(truthPools), consumer: truthConsumers.get(namespace) },
  };
}

/** Polls until krm's figures equal the fresh LIST's; on timeout shows the last difference. */
export async function expectFiguresEqualWithinWindow(scope: FigureScope, what: string): Promise<Figures> {
  let last: Figures | undefined;
  try {
    return await waitUntil(
      async () => {
        last = await compareFigures(scope);
        return JSON.stringify(last.krm) === JSON.stringify(last.truth) ? last : undefined;
      },
      { what, timeoutMs: FRESHNESS_WINDOW_MS, intervalMs: 200 },
    );
  } catch (error) {
    expect(last?.krm, String(error)).toEqual(last?.truth);
    throw error;
  }
}
