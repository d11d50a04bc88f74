/**
 * `krm api`: serves the aggregated state of every configured kind over Kubernetes-shaped
 * HTTP (docs/api-contract.md) from in-memory replicas that follow each kind's change feed in Redis.
 */
import { DEFAULT_HOST, DEFAULT_PORT } from "./listen-defaults.js";
import { isLoopbackHost } from "../core/loopback.js";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer, Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { KubeAccess } from "../core/kube-access.js";
import type { KindSpec } from "../core/kinds.js";
import type { Logger } from "../core/logger.js";
import type { RunningPart } from "../core/running-part.js";
import { AuthConfigError, createGuard } from "./auth/guard.js";
import type { AuthOptions } from "./auth/types.js";
import { crdReader, withCrdPresentation } from "./discovery/crd-presentation.js";
import { buildDiscovery } from "./discovery/discovery.js";
import { createRequestHandler, rawStatusResponse, type DashboardHandler } from "./http/request-handler.js";
import { mountDashboard } from "./dashboard-mount.js";
import type { PoolUsageReader } from "./dashboard/capacity-panel.js";
import type { UsagePanelReader } from "./dashboard/usage-panel.js";
import { LOOPBACK_HOSTS } from "./http/host-check.js";
import { readTlsPair, reloadTlsOnChange, type TlsFiles } from "./http/tls-files.js";
import { reviewLimit, type ConcurrencyLimit } from "./http/review-limit.js";
import { ApiMetrics } from "./observability/api-metrics.js";
import { KindReplica } from "./replica/kind-replica.js";
import { ReplicaFeed } from "./replica/redis-feed.js";
import { isServable, type ServedKind } from "./served-kind.js";
import type { DerivedViews } from "./http/derived-views.js";
import { WatchLimits, type WatchLimitOptions } from "./watch/watch-limits.js";
import { DEFAULT_BOOKMARK_INTERVAL_MS } from "./watch/watch-stream.js";

export type { AuthOptions } from "./auth/types.js";
export type { DashboardHandler } from "./http/request-handler.js";
export type { DerivedViews } from "./http/derived-views.js";

/** What a derived-view group is built from: the served kinds' replicas and the shared Redis. */
export interface DerivedViewsContext {
  /** By kind id (`pods`, `nodes`, ...). */
  readonly kinds: ReadonlyMap<string, ServedKind>;
  readonly redisUrl: string;
  readonly keyPrefix?: string;
  readonly logger: Logger;
  /** The one concurrency bound every review resource shares (api/http/review-limit.ts). */
  readonly reviews: ConcurrencyLimit;
}

export type RunningDerivedViews = DerivedViews & {
  stop(): Promise<void>;
  /** Node pools for the `/dashboard` capacity panel (api/dashboard/capacity-panel.ts). */
  readonly dashboardPools?: PoolUsageReader;
  /** Usage per namespace for the `/dashboard` usage panel (api/dashboard/usage-panel.ts). */
  readonly dashboardUsage?: UsagePanelReader;
};
export type DerivedViewsFactory = (context: DerivedViewsContext) => RunningDerivedViews;
export * from "./freshness.js";

export { DEFAULT_HOST, DEFAULT_PORT } from "./listen-defaults.js";
/** Request headers larger than this are answered 431 (node's default is 16 KiB; URLs up to 16 KiB must fit). */
export const MAX_HEADER_BYTES = 64 * 1024;

export interface ApiServerOptions {
  readonly kinds: readonly KindSpec[];
  readonly redisUrl: string;
  readonly logger: Logger;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port (see the returned `url`). */
  readonly port?: number;
  readonly auth: AuthOptions;
  /** Needed for auth=kubernetes (TokenReview, SubjectAccessReview). */
  readonly kubeConfig?: KubeAccess;
  /** Allow auth=none on a non-loopback address. */
  readonly allowInsecureNoAuth?: boolean;
  /**
   * With auth=none, the Host names served (DNS rebinding defence, http/host-check.ts); the
   * loopback names are always allowed, `*` allows any. Ignored with auth on.
   */
  readonly allowedHosts?: readonly string[];
  /** Serve HTTPS with this certificate and key, re-read when they change (http/tls-files.ts). */
  readonly tls?: TlsFiles;
  /** How often the TLS files are checked for a change; default TLS_RELOAD_INTERVAL_MS. */
  readonly tlsReloadIntervalMs?: number;
  /** Allow plain HTTP on a non-loopback address (tokens would cross the network in clear). */
  readonly allowInsecureHttp?: boolean;
  /** Caps on watches and their buffered bytes; defaults in watch/watch-limits.ts. */
  readonly watchLimits?: WatchLimitOptions;
  readonly keyPrefix?: string;
  /**
   * What serves `/dashboard` and below, unauthenticated (it shows freshness and delay, never
   * objects). Default: the metrics part's dashboard (api/dashboard/); `false` turns it off.
   */
  readonly dashboard?: DashboardHandler | false;
  /** Period of watch BOOKMARK events; default 30 s. */
  readonly bookmarkIntervalMs?: number;
  /** Changes kept per kind for watch resumes and continue tokens. */
  readonly ringCapacity?: number;
  /** Bytes of replaced object versions each kind's change ring may keep; see DEFAULT_RING_MAX_BYTES. */
  readonly ringMaxBytes?: number;
  /** Derived-view groups (docs/derived-views.md) served beside the cached kinds. */
  readonly derivedViews?: readonly DerivedViewsFactory[];
  /** Feed tuning, mostly for tests: XREAD block time and state-meta refresh spacing. */
  readonly feed?: { readonly blockMs?: number; readonly checkIntervalMs?: number };
}

export class ApiConfigError extends Error {
  override readonly name = "ApiConfigError";
}

export interface RunningApiServer extends RunningPart {
  readonly url: string;
  /** What `/readyz` answers: every kind loaded and verified. */
  ready(): boolean;
}

export async function startApiServer(given: ApiServerOptions): Promise<RunningApiServer> {
  // Custom kinds take short names, categories and printer columns from their CRDs.
  const options =
    given.kubeConfig === undefined
      ? given
      : {
          ...given,
          kinds: await withCrdPresentation(given.kinds, crdReader(given.kubeConfig), given.logger),
        };
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (options.auth.mode === "none" && !isLoopbackHost(host) && options.allowInsecureNoAuth !== true) {
    throw new ApiConfigError(
      `auth=none would expose the cache without authentication on ${host}; bind to loopback or pass allowInsecureNoAuth`,
    );
  }
  if (options.tls === undefined && !isLoopbackHost(host) && options.allowInsecureHttp !== true) {
    throw new ApiConfigError(
      `plain HTTP on ${host} would send bearer tokens in clear; give a TLS certificate and key, bind to loopback, or pass allowInsecureHttp`,
    );
  }
  const tlsPair =
    options.tls === undefined
      ? undefined
      : await readTlsPair(options.tls).catch((error: unknown) => {
          throw new ApiConfigError(error instanceof Error ? error.message : String(error));
        });
  const logger = options.logger;
  let guard;
  try {
    guard = await createGuard(options.auth, options.kubeConfig, logger);
  } catch (error) {
    if (error instanceof AuthConfigError) throw new ApiConfigError(error.message);
    throw error;
  }
  const feeds: ReplicaFeed[] = [];
  const kinds: ServedKind[] = options.kinds.map((spec) => {
    const replica = new KindReplica({
      viewFields: spec.fieldSelectors,
      ...(options.ringCapacity !== undefined ? { ringCapacity: options.ringCapacity } : {}),
      ...(options.ringMaxBytes !== undefined ? { ringMaxBytes: options.ringMaxBytes } : {}),
      onBadObject: (key, error) =>
        logger.warn({ kind: spec.id, key, err: error }, "unparseable object left out"),
    });
    const feed = new ReplicaFeed({
      kind: spec,
      replica,
      redisUrl: options.redisUrl,
      logger,
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
      ...(options.feed?.blockMs !== undefined ? { blockMs: options.feed.blockMs } : {}),
      ...(options.feed?.checkIntervalMs !== undefined
        ? { checkIntervalMs: options.feed.checkIntervalMs }
        : {}),
    });
    feeds.push(feed);
    return { spec, replica, health: () => feed.health };
  });
  const reviews = reviewLimit();
  const derived = (options.derivedViews ?? []).map((factory) =>
    factory({
      kinds: new Map(kinds.map((k) => [k.spec.id, k])),
      redisUrl: options.redisUrl,
      logger,
      reviews,
      ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
    }),
  );
  const poolReaders = derived.flatMap((views) => (views.dashboardPools ? [views.dashboardPools] : []));
  const usageReader = derived.find((views) => views.dashboardUsage !== undefined)?.dashboardUsage;
  const mounted =
    options.dashboard === undefined
      ? mountDashboard({
          kinds: options.kinds,
          redisUrl: options.redisUrl,
          logger,
          ...(poolReaders.length > 0 ? { pools: () => poolReaders.flatMap((read) => read()) } : {}),
          ...(usageReader !== undefined ? { usage: usageReader } : {}),
          ...(options.keyPrefix !== undefined ? { keyPrefix: options.keyPrefix } : {}),
        })
      : undefined;
  const dashboard = options.dashboard === false ? undefined : (options.dashboard ?? mounted?.handler);
  const handler = createRequestHandler({
    kinds,
    discovery: buildDiscovery(options.kinds, derived),
    derived,
    guard,
    metrics: new ApiMetrics(),
    logger,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? DEFAULT_BOOKMARK_INTERVAL_MS,
    ...(dashboard !== undefined ? { dashboard } : {}),
    now: Date.now,
    watchLimits: new WatchLimits(options.watchLimits),
    ...(options.auth.mode === "none"
      ? { allowedHosts: allowedHostSet(host, options.allowedHosts ?? []) }
      : { hideHealthDetails: true }),
  });
  const serverOptions = { maxHeaderSize: MAX_HEADER_BYTES, keepAliveTimeout: 65_000 };
  const server =
    tlsPair === undefined
      ? createServer(serverOptions, handler)
      : createHttpsServer({ ...serverOptions, cert: tlsPair.cert, key: tlsPair.key }, handler);
  const stopTlsReload =
    tlsPair === undefined || options.tls === undefined || !(server instanceof HttpsServer)
      ? () => undefined
      : reloadTlsOnChange(server, options.tls, tlsPair, {
          logger,
          ...(options.tlsReloadIntervalMs !== undefined ? { intervalMs: options.tlsReloadIntervalMs } : {}),
        });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable) {
      const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
      socket.end(
        rawStatusResponse(
          tooLarge ? 431 : 400,
          tooLarge ? "request headers too large" : "malformed HTTP request",
        ),
      );
    } else {
      socket.destroy();
    }
  });
  for (const feed of feeds) feed.start();
  try {
    await listen(server, host, port);
  } catch (error) {
    stopTlsReload();
    await Promise.all(feeds.map((f) => f.stop()));
    await Promise.all(derived.map((d) => d.stop()));
    await mounted?.close();
    throw error;
  }
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  const url = `${tlsPair === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
  let stopping: Promise<void> | undefined;
  return {
    name: "api",
    url,
    ready: () => kinds.every(isServable),
    stop: () =>
      (stopping ??= (async () => {
        stopTlsReload();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await Promise.all(feeds.map((f) => f.stop()));
        await Promise.all(derived.map((d) => d.stop()));
        await mounted?.close();
      })()),
  };
}

/** Loopback names, the address listened on (unless a wildcard) and the names configured. */
function allowedHostSet(host: string, configured: readonly string[]): ReadonlySet<string> {
  const wildcard = host === "0.0.0.0" || host === "::" || host === "";
  return new Set([
    ...LOOPBACK_HOSTS,
    ...(wildcard ? [] : [host.replace(/^\[|\]$/g, "").toLowerCase()]),
    ...configured.map((h) => h.toLowerCase()),
  ]);
}

function listen(server: Server | HttpsServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
