import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import type { RequestGuard, ResourceAttributes } from "../auth/types.js";
import { buildDiscovery } from "../discovery/discovery.js";
import { ConflictError, ForbiddenError } from "../errors.js";
import { ApiMetrics } from "../observability/api-metrics.js";
import type { DerivedViews } from "./derived-views.js";
import { readJsonBody } from "./read-body.js";
import { createRequestHandler } from "./request-handler.js";
import { sendJson } from "./respond.js";

const asked: ResourceAttributes[] = [];
const guard: RequestGuard = {
  authenticate: () => Promise.resolve({ username: "u", groups: [] }),
  authorize: (_user, attributes) => {
    asked.push(attributes);
    return attributes.name === "forbidden" ? Promise.reject(new ForbiddenError("no")) : Promise.resolve();
  },
  authorizePath: () => Promise.resolve(),
};

const views: DerivedViews = {
  group: "example.krm.dev",
  version: "v1alpha1",
  resources: [
    {
      name: "things",
      singularName: "thing",
      kind: "Thing",
      namespaced: false,
      verbs: ["create", "get", "delete"],
    },
  ],
  handle: async ({ method, route, request, response, authorize }) => {
    if (method === "POST") {
      await authorize("create");
      const body = await readJsonBody(request);
      if ((body as { conflict?: boolean }).conflict === true) throw new ConflictError("Conflict", "taken");
      sendJson(response, 201, JSON.stringify({ got: body }));
      return "create";
    }
    await authorize(method === "DELETE" ? "delete" : "get", route.name);
    sendJson(response, 200, JSON.stringify({ method, name: route.name }));
    return "get";
  },
};

let server: Server;
let base = "";
beforeAll(async () => {
  server = createServer(
    createRequestHandler({
      kinds: [],
      discovery: buildDiscovery([], [views]),
      derived: [views],
      guard,
      metrics: new ApiMetrics(),
      logger: silentLogger(),
      bookmarkIntervalMs: 30_000,
      now: Date.now,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("derived views hook", () => {
  it("lists the group and its resources in discovery", async () => {
    const groups = (await (await fetch(`${base}/apis`)).json()) as { groups: { name: string }[] };
    expect(groups.groups.map((g) => g.name)).toContain("example.krm.dev");
    const resources = (await (await fetch(`${base}/apis/example.krm.dev/v1alpha1`)).json()) as {
      resources: { name: string; verbs: string[] }[];
    };
    expect(resources.resources).toEqual([
      expect.objectContaining({ name: "things", verbs: ["create", "get", "delete"] }),
    ]);
  });

  it("routes POST, GET and DELETE to the handler and authorizes each verb", async () => {
    asked.length = 0;
    const created = await fetch(`${base}/apis/example.krm.dev/v1alpha1/things`, {
      method: "POST",
      body: JSON.stringify({ a: 1 }),
      headers: { "content-type": "application/json" },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ got: { a: 1 } });
    expect((await fetch(`${base}/apis/example.krm.dev/v1alpha1/things/x`, { method: "DELETE" })).status).toBe(
      200,
    );
    expect(asked.map((a) => [a.verb, a.resource, a.name])).toEqual([
      ["create", "things", undefined],
      ["delete", "things", "x"],
    ]);
  });

  it.each([
    ["403 when the guard refuses", "GET", "/things/forbidden", undefined, 403, "Forbidden"],
    ["400 for a body that is not JSON", "POST", "/things", "{", 400, "BadRequest"],
    ["409 from the handler", "POST", "/things", '{"conflict":true}', 409, "Conflict"],
    ["405 for writes elsewhere", "POST", "/../../../api/v1/pods", "{}", 405, "MethodNotAllowed"],
  ])("%s", async (_name, method, path, body, code, reason) => {
    const response = await fetch(`${base}/apis/example.krm.dev/v1alpha1${path}`, {
      method,
      ...(body !== undefined ? { body, headers: { "content-type": "application/json" } } : {}),
    });
    expect(response.status).toBe(code);
    expect(await response.json()).toMatchObject({ kind: "Status", code, reason });
  });

  it("415 for a body that is not JSON", async () => {
    const response = await fetch(`${base}/apis/example.krm.dev/v1alpha1/things`, {
      method: "POST",
      body: "x",
    });
    expect(response.status).toBe(415);
  });
});
