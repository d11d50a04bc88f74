/**
 * The routing benchmark's server process (bench/routing-bench.ts starts it): one request
 * handler over in-memory pods, served twice in this one process, by node:http routing
 * (routeOf, as `krm api` does) and under Express 5. Prints the two ports as one JSON line.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createGuard } from "../../api/auth/guard.js";
import { buildDiscovery } from "../../api/discovery/discovery.js";
import { createRequestHandler } from "../../api/http/request-handler.js";
import { ApiMetrics } from "../../api/observability/api-metrics.js";
import { KindReplica } from "../../api/replica/kind-replica.js";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { silentLogger } from "../../core/logger.js";
import { podObject } from "../fixtures.js";
import { expressApp, loadExpress } from "./express-variant.js";
import { ROUTING_POPULATION } from "./population.js";

const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;

function podReplica(): KindReplica {
  const replica = new KindReplica({ viewFields: pods.fieldSelectors });
  const state: Record<string, string> = {};
  const { namespaces, podsPerNamespace } = ROUTING_POPULATION;
  for (let index = 0; index < namespaces * podsPerNamespace; index++) {
    const namespace = `ns-${index % namespaces}`;
    const name = `pod-${index}`;
    const object = podObject({ namespace, name, index, nodeName: "node-0" }) as {
      metadata: Record<string, unknown>;
    };
    object.metadata["resourceVersion"] = String(index + 1);
    state[`${namespace}/${name}`] = JSON.stringify(object);
  }
  replica.load({ state, meta: { epoch: "bench", verifiedAt: String(Date.now()) }, position: "1-0" });
  return replica;
}

function listen(listener: RequestListener): Promise<Server> {
  const server = createServer({ keepAliveTimeout: 65_000 }, listener);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const logger = silentLogger();
const replica = podReplica();
const handler = createRequestHandler({
  kinds: [
    {
      spec: pods,
      replica,
      health: () => ({ stale: false, staleSince: undefined, lastSyncAt: undefined }),
    },
  ],
  discovery: buildDiscovery([pods]),
  guard: await createGuard({ mode: "none" }, undefined, logger),
  metrics: new ApiMetrics(),
  logger,
  bookmarkIntervalMs: 30_000,
  now: Date.now,
});
const nodeServer = await listen((request, response) => handler(request, response));
const expressServer = await listen(expressApp(await loadExpress(), handler));
const port = (server: Server): number => (server.address() as AddressInfo).port;
process.stdout.write(
  `${JSON.stringify({ node: port(nodeServer), express: port(expressServer), resourceVersion: String(replica.resourceVersion) })}\n`,
);
