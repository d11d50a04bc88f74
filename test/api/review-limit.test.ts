/**
 * The shared bound on review resources (api/http/review-limit.ts), through a real API server
 * on a real Redis: with Redis stalled behind a fault proxy, usage reviews hold their slots
 * (each waits for its hour buckets); beyond MAX_CONCURRENT_REVIEWS a usagereview and a
 * fitreview alike are answered 429 TooManyRequests with Retry-After; once Redis flows again the
 * held reviews finish and new ones are served.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type RunningApiServer } from "../../api/index.js";
import { MAX_CONCURRENT_REVIEWS, REVIEW_RETRY_AFTER_SECONDS } from "../../api/http/review-limit.js";
import { capacityViews } from "../../capacity/serve/capacity-views.js";
import { createLogger } from "../../core/logger.js";
import { DEFAULT_POLICY } from "../../usage/rightsizing/policy.js";
import { usageViews } from "../../usage/views/usage-views.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { startRedis, type RedisServer } from "../../local/redis-server.js";

const logger = createLogger("review-limit-test", process.env["KRM_TEST_LOG_LEVEL"] ?? "warn");
let redis: RedisServer;
let proxy: FaultProxy;
let api: RunningApiServer;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

async function post(resource: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${api.url}${resource}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

const usageReview = (): Promise<Answer> =>
  post("/apis/usage.krm.dev/v1alpha1/usagereviews", {
    apiVersion: "usage.krm.dev/v1alpha1",
    kind: "UsageReview",
    spec: { from: new Date(Date.now() - 3_600_000).toISOString() },
  });
const fitReview = (): Promise<Answer> =>
  post("/apis/capacity.krm.dev/v1alpha1/fitreviews", {
    apiVersion: "capacity.krm.dev/v1alpha1",
    kind: "FitReview",
    spec: { resources: { requests: { cpu: "1" } } },
  });

beforeAll(async () => {
  redis = await startRedis();
  proxy = await startFaultProxy({ targetHost: "127.0.0.1", targetPort: redis.port });
  api = await startApiServer({
    kinds: [],
    redisUrl: `redis://127.0.0.1:${proxy.port}`,
    logger,
    host: "127.0.0.1",
    port: 0,
    auth: { mode: "none" },
    dashboard: false,
    derivedViews: [
      usageViews({ policy: DEFAULT_POLICY, labelKeys: [] }),
      capacityViews({ config: { poolLabel: "krm-test.dev/pool" } }),
    ],
  });
});

afterAll(async () => {
  await api?.stop();
  await proxy?.stop();
  await redis?.stop();
});

describe("the shared review bound", () => {
  it("answers 429 with a Status and Retry-After beyond the bound, for every review kind, and serves again after", async () => {
    expect((await usageReview()).status).toBe(201);
    proxy.stall(true);
    // Twice the bound at once: exactly the bound's worth hold slots (stalled on Redis), the rest are refused.
    const settled: Answer[] = [];
    let firstHalf = (_answers: Answer[]): void => undefined;
    // The refusals come back while the held ones still wait for Redis.
    const refusals = new Promise<Answer[]>((resolve) => (firstHalf = resolve));
    const sent = Array.from({ length: 2 * MAX_CONCURRENT_REVIEWS }, () =>
      usageReview().then((answer) => {
        settled.push(answer);
        if (settled.length === MAX_CONCURRENT_REVIEWS) firstHalf([...settled]);
        return answer;
      }),
    );
    const refusedUsage = await refusals;
    expect(refusedUsage).toHaveLength(MAX_CONCURRENT_REVIEWS);
    const refusedFit = await fitReview();
    for (const answer of [...refusedUsage, refusedFit]) {
      expect(answer.status).toBe(429);
      expect(answer.retryAfter).toBe(String(REVIEW_RETRY_AFTER_SECONDS));
      expect(answer.body).toMatchObject({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "TooManyRequests",
        code: 429,
        message: `${MAX_CONCURRENT_REVIEWS} reviews are being computed; retry shortly`,
      });
    }

    proxy.stall(false);
    const all = await Promise.all(sent);
    expect(all.filter((answer) => answer.status === 201)).toHaveLength(MAX_CONCURRENT_REVIEWS);
    expect(all.filter((answer) => answer.status === 429)).toHaveLength(MAX_CONCURRENT_REVIEWS);
    expect((await fitReview()).status).toBe(201);
    expect((await usageReview()).status).toBe(201);
  });
});
