import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { waitUntil } from "../local/wait-until.js";
import { HeapSampler, scrapeHeap } from "./heap-sampler.js";
import { closeTarget, plainTarget, type HttpTarget } from "./http-target.js";

/** Serves /metrics answers in turn, repeating the last. */
async function metricsServer(answers: readonly (readonly [number, string])[]): Promise<{
  readonly target: HttpTarget;
  readonly requests: () => number;
  readonly close: () => Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    const [status, body] = answers[Math.min(requests, answers.length - 1)] ?? [500, ""];
    requests += 1;
    res.writeHead(status, { "content-type": "text/plain" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const target = plainTarget("krm", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  return {
    target,
    requests: () => requests,
    close: async () => {
      closeTarget(target);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const heap = (used: number): readonly [number, string] => [
  200,
  `# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes ${used}\nnodejs_heap_size_total_bytes ${used * 2}\n`,
];

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

describe("scrapeHeap", () => {
  it("reads heap used and total, or says why it could not", async () => {
    const server = await metricsServer([heap(5), [403, "forbidden"], [200, "krm_api_active_watches 0\n"]]);
    close = server.close;
    expect(await scrapeHeap(server.target)).toEqual({ heap: { usedBytes: 5, totalBytes: 10 } });
    expect((await scrapeHeap(server.target)).error).toBe("GET krm /metrics: HTTP 403: forbidden");
    expect((await scrapeHeap(server.target)).error).toMatch(/no nodejs_heap_size_used_bytes/);
  });
});

describe("HeapSampler", () => {
  it("keeps the highest heap used and counts failed scrapes without throwing", async () => {
    const server = await metricsServer([[500, "busy"], heap(5), heap(9), heap(7)]);
    close = server.close;
    const sampler = new HeapSampler(server.target, 5);
    sampler.start();
    await waitUntil(() => (server.requests() >= 5 ? true : undefined), {
      what: "five scrapes",
      timeoutMs: 5000,
      intervalMs: 5,
    });
    const peak = await sampler.stop();
    expect(peak.usedPeakBytes).toBe(9);
    expect(peak.failed).toBe(1);
    expect(peak.scrapes).toBe(server.requests());
    expect(peak.lastError).toBe("GET krm /metrics: HTTP 500: busy");
  });

  it("reports no peak when every scrape failed", async () => {
    const server = await metricsServer([[401, "Unauthorized"]]);
    close = server.close;
    const sampler = new HeapSampler(server.target, 5);
    sampler.start();
    const peak = await sampler.stop();
    expect(peak).toEqual({
      usedPeakBytes: null,
      scrapes: 1,
      failed: 1,
      lastError: "GET krm /metrics: HTTP 401: Unauthorized",
    });
  });
});
