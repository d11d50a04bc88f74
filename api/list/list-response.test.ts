import { describe, expect, it } from "vitest";
import { BUILTIN_KINDS, type KindSpec } from "../../core/kinds.js";
import { KindReplica } from "../replica/kind-replica.js";
import type { ServedKind } from "../served-kind.js";
import { parseListQuery } from "./list-query.js";
import { listBody } from "./list-response.js";
import type { ChunkedBody } from "../http/respond.js";

const pods = BUILTIN_KINDS.find((k) => k.id === "pods") as KindSpec;
const pod = (ns: string, name: string, rv: number): string =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace: ns, name, resourceVersion: String(rv) },
  });

function served(): ServedKind {
  const replica = new KindReplica();
  replica.load({
    state: { "a/p1": pod("a", "p1", 1), "b/p2": pod("b", "p2", 2) },
    meta: { epoch: "e", verifiedAt: "1" },
    position: "1-0",
  });
  return {
    spec: pods,
    replica,
    health: () => ({ stale: false, staleSince: undefined, lastSyncAt: undefined }),
  };
}

const query = (text = "") => parseListQuery(new URLSearchParams(text), pods);
const text = (body: ChunkedBody): string => Buffer.concat(body.chunks).toString();
const names = (body: ChunkedBody): string[] =>
  (JSON.parse(text(body)) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);

describe("listBody", () => {
  it("renders a Kubernetes list with the items' bytes as stored", () => {
    const body = JSON.parse(text(listBody(served(), query(), undefined))) as Record<string, unknown>;
    expect(body).toMatchObject({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "2" } });
    expect(body["items"]).toEqual([JSON.parse(pod("a", "p1", 1)), JSON.parse(pod("b", "p2", 2))]);
  });

  it("reuses a whole-list body until an object in its scope changes", () => {
    const kind = served();
    const inA = listBody(kind, query(), "a");
    const all = listBody(kind, query(), undefined);
    expect(listBody(kind, query(), "a").chunks[0]).toBe(inA.chunks[0]);
    kind.replica.apply({
      id: "2-0",
      type: "ADDED",
      key: "b/p3",
      rv: "3",
      object: pod("b", "p3", 3),
      epoch: "e",
    });
    expect(listBody(kind, query(), "a").chunks[0]).toBe(inA.chunks[0]);
    const allAfter = listBody(kind, query(), undefined);
    expect(allAfter.chunks[0]).not.toBe(all.chunks[0]);
    expect(names(allAfter)).toEqual(["p1", "p2", "p3"]);
    kind.replica.apply({
      id: "3-0",
      type: "DELETED",
      key: "a/p1",
      rv: "4",
      object: pod("a", "p1", 4),
      epoch: "e",
    });
    expect(names(listBody(kind, query(), "a"))).toEqual([]);
  });

  it("does not cache filtered or paginated lists", () => {
    const kind = served();
    // Uncached bodies are sent as chunks (head, items, end); cached ones are one buffer.
    expect(listBody(kind, query("labelSelector=x"), undefined).chunks).toHaveLength(2);
    expect(listBody(kind, query(), undefined).chunks).toHaveLength(1);
    expect(names(listBody(kind, query("limit=1"), undefined))).toEqual(["p1"]);
  });

  it("answers label selectors from the label index exactly like a full walk", () => {
    const replica = new KindReplica();
    const state: Record<string, string> = {};
    for (let i = 0; i < 200; i++) {
      const ns = `ns${i % 4}`;
      state[`${ns}/p${i}`] = JSON.stringify({
        metadata: {
          namespace: ns,
          name: `p${i}`,
          resourceVersion: String(i + 1),
          labels: { app: `a${i % 20}`, tier: i % 2 === 0 ? "x" : "y" },
        },
      });
    }
    replica.load({ state, meta: { epoch: "e", verifiedAt: "1" }, position: "1-0" });
    replica.apply({
      id: "2-0",
      type: "MODIFIED",
      key: "ns0/p0",
      rv: "500",
      object: JSON.stringify({
        metadata: { namespace: "ns0", name: "p0", resourceVersion: "500", labels: { app: "moved" } },
      }),
      epoch: "e",
    });
    const kind: ServedKind = {
      spec: pods,
      replica,
      health: () => ({ stale: false, staleSince: undefined, lastSyncAt: undefined }),
    };
    const walk = (selector: string, ns?: string): string[] =>
      [...(replica.objectsAt(replica.position, ns, "") ?? [])]
        .filter((o) =>
          parseListQuery(new URLSearchParams({ labelSelector: selector }), pods).labelSelector.matches(
            o.view.metadata.labels,
          ),
        )
        .map((o) => o.name);
    for (const [selector, ns] of [
      ["app=a3", undefined],
      ["app in (a3,a7),tier=y", undefined],
      ["app=a0", "ns0"],
      ["app=moved", undefined],
      ["app=a0", undefined],
    ] as const) {
      expect(names(listBody(kind, query(`labelSelector=${encodeURIComponent(selector)}`), ns))).toEqual(
        walk(selector, ns),
      );
    }
    const paged = listBody(kind, query(`labelSelector=app%3Da3&limit=3`), undefined);
    expect(names(paged)).toEqual(walk("app=a3").slice(0, 3));
  });

  it("keeps whole-list bodies only within the cache's byte bound, least recently used out first", () => {
    const kind = served();
    const whole = listBody(kind, query(), undefined);
    expect(listBody(kind, query(), undefined).chunks[0]).toBe(whole.chunks[0]);
    // Bigger than half the bound: served as chunks, the same bytes, never cached.
    const uncached = listBody(served(), query(), undefined, 10);
    expect(uncached.chunks.length).toBeGreaterThan(1);
    expect(text(uncached)).toBe(text(whole));
    // Room for the cluster-wide body and one namespace body, not two: caching it evicts a.
    const small = served();
    const bound = listBody(served(), query(), undefined).length * 2;
    const a1 = listBody(small, query(), "a", bound);
    const b1 = listBody(small, query(), "b", bound);
    expect(listBody(small, query(), "a", bound).chunks[0]).toBe(a1.chunks[0]);
    listBody(small, query(), undefined, bound);
    expect(listBody(small, query(), "a", bound).chunks[0]).toBe(a1.chunks[0]);
    const b2 = listBody(small, query(), "b", bound);
    expect(b2.chunks[0]).not.toBe(b1.chunks[0]);
    expect(text(b2)).toBe(text(b1));
  });
});
