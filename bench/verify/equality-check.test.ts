import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { plainTarget } from "../http-target.js";
import { EqualityChecker, KRM_RV_HEADER } from "./equality-check.js";
import { PodHistory, type Watcher } from "./pod-history.js";

const meta = (name: string, rv: string) => ({
  metadata: { namespace: "ns", name, uid: `u-${name}`, resourceVersion: rv },
});

/** A history listed at rv 10 with pod a@5, whose watch then sees a@12 and b@13. */
async function history(): Promise<PodHistory> {
  let send: (type: string, object: unknown) => void = () => undefined;
  const watcher: Watcher = {
    watch: (_path, _query, callback) => {
      send = callback;
      return Promise.resolve(new AbortController());
    },
  };
  const pod = { namespace: "ns", name: "a", uid: "u-a", rv: "5", labels: {} };
  const tracked = await PodHistory.track(
    () => Promise.resolve({ rv: 10, pods: new Map([["ns/a", pod]]) }),
    watcher,
  );
  send("MODIFIED", meta("a", "12"));
  send("ADDED", meta("b", "13"));
  return tracked;
}

const list = (rv: string, ...items: object[]) => ({
  status: 200,
  bytes: 0,
  body: Buffer.from(JSON.stringify({ metadata: { resourceVersion: rv }, items })),
});

describe("EqualityChecker with a replayed history", () => {
  // No API server listens here: every answer must be checked from the history.
  const unreachable = plainTarget("kube-apiserver", "http://127.0.0.1:9");

  it("accepts answers equal to the state at their resourceVersion, in any order", async () => {
    const checker = new EqualityChecker(unreachable, await history());
    checker.record("/api/v1/pods", list("13", meta("a", "12"), meta("b", "13")));
    checker.record("/api/v1/namespaces/ns/pods", list("11", meta("a", "5")));
    checker.record("/api/v1/namespaces/ns/pods/a", {
      status: 200,
      bytes: 0,
      body: Buffer.from(JSON.stringify(meta("a", "12"))),
      headers: { [KRM_RV_HEADER]: "12" },
    });
    await checker.checkPending();
    expect(checker.result()).toMatchObject({ checked: 3, replayed: 3, apiServerLookups: 0, mismatches: [] });
    expect(checker.failed).toBe(false);
  });

  it("holds answers unparsed within its byte budget, and parses the rest as they come", async () => {
    const noVersion = { status: 200, bytes: 12, body: Buffer.from('{"items":[]}') };
    const holding = new EqualityChecker(unreachable, await history(), 1000, 12);
    holding.record("/api/v1/pods", noVersion);
    expect(holding.pendingCount).toBe(1);
    // Parsed at the check, after the cell: that is where a bad answer shows.
    await expect(holding.checkPending()).rejects.toThrow(/without a resourceVersion/);
    const full = new EqualityChecker(unreachable, await history(), 1000, 11);
    expect(() => full.record("/api/v1/pods", noVersion)).toThrow(/without a resourceVersion/);
  });

  it("fails a stale or incomplete answer", async () => {
    const checker = new EqualityChecker(unreachable, await history());
    checker.record("/api/v1/pods", list("13", meta("a", "5"), meta("b", "13")));
    checker.record("/api/v1/namespaces/ns/pods", list("12", meta("a", "12"), meta("b", "13")));
    await checker.checkPending();
    expect(checker.failed).toBe(true);
    expect(checker.result().mismatches.map((m) => m.differences)).toEqual([
      ["ns/b: krm has it (rv 13), the API server does not"],
      ["ns/a: krm uid u-a rv 5, API server uid u-a rv 12"],
    ]);
  });

  it("waits for the history once while it does not move, then asks the API server", async () => {
    // Answers past where the history's watch ever gets (no pod changes after rv 13).
    let requests = 0;
    const server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(410, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const waitMs = 1000;
      const checker = new EqualityChecker(
        plainTarget("kube-apiserver", `http://127.0.0.1:${port}`),
        await history(),
        waitMs,
      );
      checker.record("/api/v1/namespaces/ns/pods", list("20", meta("a", "12"), meta("b", "13")));
      checker.record("/api/v1/namespaces/ns/pods", list("21", meta("a", "12"), meta("b", "13")));
      const started = performance.now();
      await checker.checkPending();
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(waitMs - 50);
      expect(elapsed).toBeLessThan(2 * waitMs - 100);
      expect(requests).toBe(2);
      expect(checker.result()).toMatchObject({ checked: 0, replayed: 0, unverifiable: 2, mismatches: [] });
    } finally {
      server.close();
    }
  });
});
