/**
 * `capacity.krm.dev/v1alpha1` served on the API's derived-views hook (api/http/derived-views.ts):
 * nodepools and consumers from aggregates fed by the replicas, fitreviews computed per
 * request from the same aggregates, capacityleases kept in Redis and followed by polling
 * their version (every LEASE_POLL_MS, and at once after this replica changed one).
 */
import type { DerivedViewsContext, RunningDerivedViews } from "../../api/index.js";
import { ConflictError, MethodNotAllowedError, NotFoundError } from "../../api/errors.js";
import type { DerivedRequest } from "../../api/http/derived-views.js";
import { readJsonBody } from "../../api/http/read-body.js";
import { sendJson } from "../../api/http/respond.js";
import { requireServable } from "../../api/served-kind.js";
import { createRedis, type RedisConnection } from "../../core/redis-connection.js";
import { reportRedisErrors } from "../../core/redis-health.js";
import { CapacityState } from "../aggregates/capacity-state.js";
import { validateCapacityConfig, type CapacityConfig } from "../aggregates/config.js";
import { LeaseStore, leaseObject, type LeaseRecord } from "../leases/lease-store.js";
import { startCapacityRecorder } from "../history/capacity-recorder.js";
import type { InfluxOptions } from "../../metrics/influx-options.js";
import { fitReview } from "./fit-review.js";
import { acquire, leaseNotFound, parseLease } from "./lease-requests.js";
import { collectionRequest, serveGet, type ObjectSource } from "./object-source.js";
import { consumerObject, nodePoolObject, type ServedObject } from "./objects.js";
import { bindReplicas } from "./replica-binding.js";
import { CAPACITY_API_VERSION, CAPACITY_GROUP, CAPACITY_RESOURCES, CAPACITY_VERSION } from "./resources.js";
import { poolUsage } from "./pool-usage.js";
import { CONSUMER_TABLE, LEASE_TABLE, NODEPOOL_TABLE, type CapacityTable } from "./tables.js";

/** How often each API replica looks for lease changes made elsewhere and for lapsed leases. */
export const LEASE_POLL_MS = 500;
/** Repeated poll failures are logged this far apart. */
const POLL_WARNING_INTERVAL_MS = 60_000;

export interface CapacityViewsOptions {
  readonly config: CapacityConfig;
  /** Where capacity history goes (metrics/SCHEMA.md "Capacity"); none when absent. */
  readonly influx?: InfluxOptions;
  readonly sampleIntervalMs?: number;
  readonly leasePollMs?: number;
}

export function capacityViews(
  options: CapacityViewsOptions,
): (context: DerivedViewsContext) => RunningDerivedViews {
  const config = validateCapacityConfig(options.config);
  return (context) => {
    const state = new CapacityState(config);
    const unbind = bindReplicas(state, context.kinds, context.logger);
    const leases = new LeaseFollower(context, options.leasePollMs ?? LEASE_POLL_MS, state);
    const sources = {
      nodepools: source(
        "nodepools",
        "NodePool",
        () => [...state.pools.values()].map((p) => nodePoolObject(p, config)),
        (name) => {
          const pool = state.pools.get(name);
          return pool === undefined ? undefined : nodePoolObject(pool, config);
        },
      ),
      consumers: source(
        "consumers",
        "Consumer",
        () => {
          const cluster = state.clusterAllocatable();
          return [...state.consumers.values()].map((c) => consumerObject(c, config, cluster));
        },
        (name) => {
          const consumer = state.consumers.get(name);
          return consumer === undefined
            ? undefined
            : consumerObject(consumer, config, state.clusterAllocatable());
        },
      ),
    };
    function source(
      resource: "nodepools" | "consumers",
      kind: string,
      list: () => ServedObject[],
      get: (name: string) => ServedObject | undefined,
    ): ObjectSource {
      return {
        resource,
        kind,
        apiVersion: CAPACITY_API_VERSION,
        list,
        get,
        version: () => state.version,
        subscribe: (listener) => state.subscribe((ref) => ref.resource === resource && listener(ref.name)),
      };
    }
    const requireInputs = (): void => {
      for (const id of ["nodes", "pods"]) {
        const kind = context.kinds.get(id);
        if (kind !== undefined) requireServable(kind);
      }
    };
    const readOnly = async (
      request: DerivedRequest,
      objects: ObjectSource,
      table: CapacityTable,
    ): Promise<string> => {
      if (request.method !== "GET" && request.method !== "HEAD")
        throw new MethodNotAllowedError(request.method);
      const { route, query } = request;
      if (route.name !== undefined) {
        await request.authorize("get", route.name);
        requireInputs();
        serveGet(objects, table, route.name, request.request, request.response, query);
        return "get";
      }
      const collection = collectionRequest(objects, table, request.request, request.response, query);
      await request.authorize(collection.verb);
      requireInputs();
      collection.serve();
      return collection.verb;
    };
    const handle = async (request: DerivedRequest): Promise<string> => {
      const { route, method } = request;
      if (route.namespace !== undefined || route.subresource !== undefined)
        throw new NotFoundError("the server could not find the requested resource");
      switch (route.resource) {
        case "nodepools":
          return readOnly(request, sources.nodepools, NODEPOOL_TABLE);
        case "consumers":
          return readOnly(request, sources.consumers, CONSUMER_TABLE);
        case "fitreviews": {
          if (method !== "POST" || route.name !== undefined) throw new MethodNotAllowedError(method);
          await request.authorize("create");
          // The body is read first: a slow upload must not hold one of the shared review slots.
          const body = await readJsonBody(request.request);
          return context.reviews.run(() => {
            requireInputs();
            sendJson(request.response, 201, JSON.stringify(fitReview(body, state)));
            return Promise.resolve("create");
          });
        }
        case "capacityleases":
          return leases.handle(request, requireInputs);
        default:
          throw new NotFoundError("the server could not find the requested resource");
      }
    };
    leases.start();
    const recorder =
      options.influx === undefined
        ? undefined
        : startCapacityRecorder({
            influx: options.influx,
            logger: context.logger,
            pools: () => sources.nodepools.list(),
            consumers: () => sources.consumers.list(),
            ...(options.sampleIntervalMs !== undefined ? { intervalMs: options.sampleIntervalMs } : {}),
          });
    return {
      group: CAPACITY_GROUP,
      version: CAPACITY_VERSION,
      resources: CAPACITY_RESOURCES,
      handle,
      dashboardPools: () => sources.nodepools.list().map(poolUsage),
      stop: async () => {
        unbind();
        await recorder?.stop();
        await leases.stop();
      },
    };
  };
}

/** Follows the lease set in Redis and serves the capacityleases verbs. */
class LeaseFollower {
  private redis: RedisConnection | undefined;
  private store: LeaseStore | undefined;
  private version: string | undefined;
  private current = new Map<string, LeaseRecord>();
  private readonly listeners = new Set<(name: string) => void>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private lastWarnedAt = 0;
  readonly source: ObjectSource;

  constructor(
    private readonly context: DerivedViewsContext,
    private readonly pollMs: number,
    private readonly state: CapacityState,
  ) {
    const served = (record: LeaseRecord): ServedObject => ({
      name: record.metadata.name,
      labels: {},
      version: BigInt(record.metadata.resourceVersion ?? "0"),
      json: leaseObject(record),
    });
    this.source = {
      resource: "capacityleases",
      kind: "CapacityLease",
      apiVersion: CAPACITY_API_VERSION,
      list: () => [...this.current.values()].map(served),
      get: (name) => {
        const record = this.current.get(name);
        return record === undefined ? undefined : served(record);
      },
      version: () => BigInt(this.version ?? "0"),
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
    };
  }

  start(): void {
    this.redis = createRedis(this.context.redisUrl, "krm-api-capacity");
    reportRedisErrors(this.redis, this.context.logger);
    this.store = new LeaseStore(this.redis, this.context.keyPrefix);
    const tick = (): void => {
      if (this.stopped) return;
      void this.pollNow().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.polling;
    this.redis?.disconnect();
  }

  /** One poll at a time; a caller arriving during one waits for it and then polls again. */
  async pollNow(): Promise<void> {
    while (this.polling !== undefined) await this.polling;
    const store = this.store;
    if (store === undefined) return;
    this.polling = (async () => {
      try {
        const snapshot = await store.poll(this.version);
        if (snapshot === undefined) return;
        const before = this.current;
        this.current = new Map(snapshot.leases);
        this.version = snapshot.version;
        this.state.setLeased(snapshot.leased);
        for (const name of new Set([...before.keys(), ...this.current.keys()]))
          if (
            before.get(name)?.metadata.resourceVersion !== this.current.get(name)?.metadata.resourceVersion ||
            before.get(name)?.status.phase !== this.current.get(name)?.status.phase
          )
            for (const listener of this.listeners) listener(name);
      } catch (error) {
        // Once a minute at most: a Redis user without write access to the lease keys fails every poll.
        const now = Date.now();
        if (now - this.lastWarnedAt >= POLL_WARNING_INTERVAL_MS) {
          this.lastWarnedAt = now;
          this.context.logger.warn(
            { err: error },
            "capacity lease poll failed (leases need write access to krm:{capacity}:* keys)",
          );
        }
      } finally {
        this.polling = undefined;
      }
    })();
    await this.polling;
  }

  async handle(request: DerivedRequest, requireInputs: () => void): Promise<string> {
    const store = this.store;
    if (store === undefined) throw new NotFoundError("capacity leases are not running");
    const { method, route } = request;
    switch (method) {
      case "GET":
      case "HEAD": {
        if (route.name === undefined) await this.pollNow();
        if (route.name !== undefined) {
          await request.authorize("get", route.name);
          serveGet(this.source, LEASE_TABLE, route.name, request.request, request.response, request.query);
          return "get";
        }
        const collection = collectionRequest(
          this.source,
          LEASE_TABLE,
          request.request,
          request.response,
          request.query,
        );
        await request.authorize(collection.verb);
        collection.serve();
        return collection.verb;
      }
      case "POST": {
        if (route.name !== undefined) throw new MethodNotAllowedError(method);
        const user = await request.authorize("create");
        const lease = parseLease(await readJsonBody(request.request), user.username);
        requireInputs();
        const record = await acquire(store, this.state, lease);
        await this.pollNow();
        sendJson(request.response, 201, JSON.stringify(leaseObject(record)));
        return "create";
      }
      case "PUT": {
        if (route.name === undefined) throw new MethodNotAllowedError(method);
        const user = await request.authorize("update", route.name);
        const lease = parseLease(await readJsonBody(request.request), user.username, route.name);
        const result = await store.renew(route.name, lease.spec.holder, lease.spec.ttlSeconds);
        await this.pollNow();
        return this.answer(request, result, route.name, "update");
      }
      case "DELETE": {
        if (route.name === undefined) throw new MethodNotAllowedError(method);
        await request.authorize("delete", route.name);
        const result = await store.release(route.name, request.query.get("holder") ?? "");
        await this.pollNow();
        return this.answer(request, result, route.name, "delete");
      }
      default:
        throw new MethodNotAllowedError(method);
    }
  }

  private answer(
    request: DerivedRequest,
    result: Awaited<ReturnType<LeaseStore["release"]>>,
    name: string,
    verb: string,
  ): string {
    switch (result.outcome) {
      case "done":
        sendJson(request.response, 200, JSON.stringify(leaseObject(result.lease)));
        return verb;
      case "missing":
        throw leaseNotFound(name);
      case "holder":
        throw new ConflictError("Conflict", `capacitylease "${name}" is held by ${result.holder}`, {
          name,
          group: CAPACITY_GROUP,
          kind: "capacityleases",
        });
      case "expired":
        throw new ConflictError("Conflict", `capacitylease "${name}" has expired; create a new one`, {
          name,
          group: CAPACITY_GROUP,
          kind: "capacityleases",
        });
    }
  }
}
