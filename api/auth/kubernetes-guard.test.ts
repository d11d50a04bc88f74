import * as crypto from "node:crypto";
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../../core/logger.js";
import { ForbiddenError, TooManyRequestsError, UnauthorizedError } from "../errors.js";
import { FailureLimiter } from "./failure-limiter.js";
import { failureLimitedGuard } from "./failure-limited-guard.js";
import { authenticated, kubernetesGuard } from "./kubernetes-guard.js";

// The real hash, counted: the guard must hash a token once per request.
vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  return { ...original, hash: vi.fn(original.hash) };
});

const logger = createLogger("test", "silent");
const alice = { username: "alice", groups: ["dev"] };

interface Posted {
  readonly path: string;
  readonly body: { spec: Record<string, unknown> };
}

/** A stand-in API server: `good` is a valid token for audience krm; each review waits for `gate`. */
function fakeApiServer(gate: Promise<void> = Promise.resolve()) {
  const posted: Posted[] = [];
  const post = async (path: string, body: unknown): Promise<unknown> => {
    posted.push({ path, body: body as Posted["body"] });
    await gate;
    const spec = (body as Posted["body"]).spec;
    if (path.endsWith("/tokenreviews")) {
      const ok = spec["token"] === "good";
      return {
        status: ok ? { authenticated: true, audiences: ["krm"], user: alice } : { authenticated: false },
      };
    }
    const attributes = spec["resourceAttributes"] as { namespace?: string } | undefined;
    return { status: { allowed: attributes?.namespace === "a" } };
  };
  return { posted, post };
}

const guardWith = (post: (path: string, body: unknown) => Promise<unknown>) =>
  kubernetesGuard({ kubeConfig: new KubeConfig(), logger, post });

const pods = { verb: "list", group: "", version: "v1", resource: "pods" } as const;

describe("auth=kubernetes guard", () => {
  it("asks the TokenReview for krm's audiences and refuses an answer without them", () => {
    expect(authenticated({ authenticated: true, audiences: ["krm"], user: alice }, ["krm"])).toMatchObject({
      ok: true,
    });
    for (const audiences of [undefined, [], ["https://kubernetes.default.svc"]]) {
      expect(authenticated({ authenticated: true, audiences, user: alice }, ["krm"])).toEqual({ ok: false });
    }
    expect(authenticated({ authenticated: false, audiences: ["krm"] }, ["krm"])).toEqual({ ok: false });
  });

  it("sends spec.audiences", async () => {
    const api = fakeApiServer();
    await guardWith(api.post).authenticate("Bearer good");
    expect(api.posted[0]?.body.spec).toEqual({ token: "good", audiences: ["krm"] });
  });

  it("merges identical reviews in flight and keeps positive and negative answers", async () => {
    let open = (): void => undefined;
    const api = fakeApiServer(new Promise((resolve) => (open = resolve)));
    const guard = guardWith(api.post);
    const good = Array.from({ length: 500 }, () => guard.authenticate("Bearer good"));
    const bad = Array.from({ length: 500 }, () => guard.authenticate("Bearer bad").catch((e: unknown) => e));
    open();
    await Promise.all(good);
    expect((await Promise.all(bad)).every((e) => e instanceof UnauthorizedError)).toBe(true);
    await expect(guard.authenticate("Bearer bad")).rejects.toBeInstanceOf(UnauthorizedError);
    expect(api.posted).toHaveLength(2);
    const user = await guard.authenticate("Bearer good");
    await Promise.all(Array.from({ length: 100 }, () => guard.authorize(user, { ...pods, namespace: "a" })));
    await expect(guard.authorize(user, { ...pods, namespace: "b" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(guard.authorize(user, { ...pods, namespace: "b" })).rejects.toBeInstanceOf(ForbiddenError);
    // Two TokenReviews; the cluster-wide list (denied, kept), then the lists in a and in b.
    expect(api.posted).toHaveLength(5);
  });

  it("answers every object and selector of a resource from one cluster-wide review", async () => {
    const api = fakeApiServer();
    const guard = guardWith((path, body) => {
      api.posted.push({ path, body: body as Posted["body"] });
      return Promise.resolve({ status: { allowed: true } });
    });
    const gets = Array.from({ length: 1000 }, (_, i) => ({
      ...pods,
      verb: "get" as const,
      namespace: `ns-${i % 50}`,
      name: `pod-${i}`,
    }));
    for (const request of gets) await guard.authorize(alice, request);
    expect(api.posted).toHaveLength(1);
    expect(api.posted[0]?.body.spec["resourceAttributes"]).toEqual({
      verb: "get",
      group: "",
      version: "v1",
      resource: "pods",
      namespace: "",
    });
  });

  it("still finds a grant limited to one name, and denies the names it does not cover", async () => {
    const api = fakeApiServer();
    const guard = guardWith((path, body) => {
      api.posted.push({ path, body: body as Posted["body"] });
      const attributes = (body as Posted["body"]).spec["resourceAttributes"] as { name?: string };
      return Promise.resolve({ status: { allowed: attributes.name === "p", reason: "only p" } });
    });
    const get = (name: string) => ({ ...pods, verb: "get" as const, namespace: "a", name });
    await expect(guard.authorize(alice, get("p"))).resolves.toBeUndefined();
    // Cluster-wide, namespace-wide (both denied), then the exact get.
    expect(api.posted.map((p) => p.body.spec["resourceAttributes"])).toEqual([
      { verb: "get", group: "", version: "v1", resource: "pods", namespace: "" },
      { verb: "get", group: "", version: "v1", resource: "pods", namespace: "a" },
      { verb: "get", group: "", version: "v1", resource: "pods", namespace: "a", name: "p" },
    ]);
    await expect(guard.authorize(alice, get("q"))).rejects.toThrow(
      /pods "q" is forbidden: User "alice" cannot get resource "pods" .* "a": only p/,
    );
    expect(api.posted).toHaveLength(4);
  });

  it("answers 503, not a verdict, when the review fails, and asks again next time", async () => {
    let fail = true;
    const api = fakeApiServer();
    const guard = guardWith(async (path, body) => {
      if (fail) throw new Error("timeout");
      return api.post(path, body);
    });
    await expect(guard.authenticate("Bearer good")).rejects.toMatchObject({ code: 503 });
    fail = false;
    await expect(guard.authenticate("Bearer good")).resolves.toMatchObject({ username: "alice" });
  });

  it("checks non-resource URLs with nonResourceAttributes", async () => {
    const api = fakeApiServer();
    const guard = guardWith(api.post);
    await expect(guard.authorizePath(alice, "/metrics")).rejects.toThrow(/cannot get path "\/metrics"/);
    expect(api.posted[0]?.body.spec).toMatchObject({
      nonResourceAttributes: { path: "/metrics", verb: "get" },
    });
  });

  it("limits failed authentications per address, but lets a recognized token through", async () => {
    const api = fakeApiServer();
    const guard = failureLimitedGuard(
      guardWith(api.post),
      new FailureLimiter({ burst: 5, perSecond: 0.001 }),
    );
    const attacker = { address: "10.0.0.9" };
    await guard.authenticate("Bearer good", attacker);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        guard.authenticate(`Bearer random-${i}`, attacker).catch((e: unknown) => e),
      ),
    );
    const limited = results.filter((e) => e instanceof TooManyRequestsError);
    expect(limited.length).toBeGreaterThan(150);
    expect(api.posted.filter((p) => p.path.endsWith("/tokenreviews")).length).toBeLessThan(50);
    await expect(guard.authenticate("Bearer good", attacker)).resolves.toMatchObject({ username: "alice" });
    await expect(guard.authenticate("Bearer random-x", { address: "10.0.0.10" })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
  });

  it("hashes a token once per request, and answers a kept token without a review", async () => {
    const api = fakeApiServer();
    const guard = failureLimitedGuard(guardWith(api.post), new FailureLimiter());
    const hashes = vi.mocked(crypto.hash);
    hashes.mockClear();
    const first = await guard.authenticate("Bearer good", { address: "10.0.0.1" });
    expect(hashes).toHaveBeenCalledTimes(1);
    expect(hashes).toHaveBeenCalledWith("sha256", "good", "hex");
    for (let i = 0; i < 3; i++) {
      hashes.mockClear();
      // The same user object while the answer is kept (decisions' keys are memoized on it).
      expect(await guard.authenticate("Bearer good", { address: "10.0.0.1" })).toBe(first);
      expect(hashes).toHaveBeenCalledTimes(1);
    }
    hashes.mockClear();
    await expect(guard.authenticate("Bearer bad", { address: "10.0.0.1" })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(hashes).toHaveBeenCalledTimes(1);
    expect(api.posted).toHaveLength(2);
  });

  it("keys decisions by user and request: a user object reused or rebuilt asks once, another user asks again", async () => {
    const api = fakeApiServer();
    const guard = guardWith(api.post);
    const request = { ...pods, namespace: "a" };
    await guard.authorize(alice, request);
    await guard.authorize(alice, request);
    await guard.authorize({ username: "alice", groups: ["dev"] }, request);
    // Cluster-wide (denied), then namespace a.
    expect(api.posted).toHaveLength(2);
    await guard.authorize({ username: "alice", groups: ["dev", "ops"] }, request);
    await guard.authorize({ username: "bob", groups: ["dev"] }, request);
    await guard.authorize(alice, { ...request, namespace: "b" }).catch(() => undefined);
    // The same two for each other user, and only namespace b for alice (cluster-wide is kept).
    expect(api.posted).toHaveLength(2 + 2 + 2 + 1);
  });
});
