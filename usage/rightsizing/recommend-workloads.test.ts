import { expect, test } from "vitest";
import { DEFAULT_POLICY } from "./policy.js";
import type { Consumption, ContainerSeries } from "./consumption.js";
import { MIB } from "./recommend-container.js";
import { recommendWorkloads, worstVerdict, type RecommendablePod } from "./recommend-workloads.js";

const policy = { ...DEFAULT_POLICY, minHistoryMs: 60_000, minSamples: 3 };

function pod(
  name: string,
  owner: { kind: string; name: string },
  extra: Partial<{ hash: string; phase: string; created: string; oom: boolean }> = {},
): RecommendablePod {
  return {
    metadata: {
      name,
      namespace: "shop",
      creationTimestamp: extra.created ?? "2026-03-01T00:00:00Z",
      labels: extra.hash !== undefined ? { "pod-template-hash": extra.hash } : {},
      ownerReferences: [{ kind: owner.kind, name: owner.name, controller: true }],
    },
    spec: {
      nodeName: "n1",
      initContainers: [
        { name: "proxy", restartPolicy: "Always", resources: { requests: { cpu: "100m", memory: "128Mi" } } },
      ],
      containers: [
        { name: "app", resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } },
      ],
    },
    status: {
      phase: extra.phase ?? "Running",
      ...(extra.oom === true
        ? { containerStatuses: [{ name: "app", lastState: { terminated: { reason: "OOMKilled" } } }] }
        : {}),
    },
  };
}

/** Constant usage for 10 minutes, one point a minute. */
function series(cores: number, bytes: number, startSeconds = 1_000): ContainerSeries {
  const points = (value: number): [number, number][] =>
    Array.from({ length: 11 }, (_, i) => [startSeconds + i * 60, value]);
  return { cpuCores: points(cores), memoryBytes: points(bytes) };
}

test("a Deployment's pods pool into one recommendation per container, with savings over running replicas", () => {
  const pods = [
    pod("web-abc-1", { kind: "ReplicaSet", name: "web-abc" }, { hash: "abc" }),
    pod("web-abc-2", { kind: "ReplicaSet", name: "web-abc" }, { hash: "abc" }),
    pod("web-abc-3", { kind: "ReplicaSet", name: "web-abc" }, { hash: "abc", phase: "Failed" }),
  ];
  const consumption: Consumption = new Map([
    [
      "shop/web-abc-1",
      new Map([
        ["app", series(0.2, 300 * MIB)],
        ["proxy", series(0.01, 50 * MIB)],
      ]),
    ],
    [
      "shop/web-abc-2",
      new Map([
        ["app", series(0.3, 200 * MIB, 1_300)],
        ["proxy", series(0.01, 50 * MIB)],
      ]),
    ],
  ]);
  const [web, ...rest] = recommendWorkloads(pods, consumption, policy);
  expect(rest).toEqual([]);
  expect(web?.name).toBe("deployment.web");
  expect(web?.replicas).toBe(2);
  const app = web?.containers.find((c) => c.container === "app");
  // P95 of 11 points at 0.2 and 11 at 0.3 is 0.3; peak 300Mi × 1.15 = 345Mi.
  expect(app?.recommended).toEqual({
    cpuRequestMillis: 300,
    memoryRequestBytes: 345 * MIB,
    memoryLimitBytes: 345 * MIB,
  });
  expect(app?.evidence.historyMs).toBe(900_000); // 1000 s … 1900 s
  const proxy = web?.containers.find((c) => c.container === "proxy");
  expect(proxy?.recommended).toEqual({
    cpuRequestMillis: 10,
    memoryRequestBytes: 100 * MIB,
    memoryLimitBytes: 100 * MIB,
  });
  expect(web?.verdict).toBe("over");
  // (1000m − 300m + 100m − 10m) × 2 replicas; (1024 − 345 + 128 − 100) MiB × 2.
  expect(web?.delta).toEqual({ cpuMillis: 1580, memoryBytes: 707 * 2 * MIB });
  // 15 minutes of data of a week: floor(900 s / 604800 s × 100) % — both containers alike.
  expect(web?.confidence).toBe(0);
  expect(app?.confidence).toBe(Math.floor((900_000 / (7 * 24 * 3_600_000)) * 100) / 100);
  expect(web?.autoscaler).toBeUndefined();
});

test("confidence is the least of the containers'; an HPA on cpu of the same Deployment is flagged", () => {
  const pods = [pod("web-abc-1", { kind: "ReplicaSet", name: "web-abc" }, { hash: "abc" })];
  const consumption: Consumption = new Map([
    [
      "shop/web-abc-1",
      new Map([
        ["app", series(0.2, 300 * MIB)],
        ["proxy", series(0.01, 50 * MIB, 1_300)], // 6 minutes later: the same span
      ]),
    ],
  ]);
  // A confident history of 20 minutes: app has 10 minutes of data (0.5), proxy 10 as well.
  const short = { ...policy, confidentHistoryMs: 20 * 60_000 };
  const autoscalers = new Map([["shop/Deployment/web", { name: "web-hpa", resources: ["cpu"] }]]);
  const [web] = recommendWorkloads(pods, consumption, short, autoscalers);
  expect(web?.containers.map((c) => c.confidence)).toEqual([0.5, 0.5]);
  expect(web?.confidence).toBe(0.5);
  expect(web?.autoscaler).toEqual({ name: "web-hpa", resources: ["cpu"] });
  // Another workload's HPA does not flag this one.
  const [unflagged] = recommendWorkloads(
    pods,
    consumption,
    short,
    new Map([["shop/Deployment/api", { name: "x", resources: ["cpu"] }]]),
  );
  expect(unflagged?.autoscaler).toBeUndefined();
});

test("workloads without samples say unknown and save nothing; an OOM kill shows", () => {
  const pods = [
    pod("db-0", { kind: "StatefulSet", name: "db" }, { oom: true }),
    pod("job-x", { kind: "Job", name: "job" }),
  ];
  const consumption: Consumption = new Map([["shop/db-0", new Map([["app", series(0.9, 1000 * MIB)]])]]);
  const [job, db] = recommendWorkloads(pods, consumption, policy); // sorted by name
  expect(db?.name).toBe("statefulset.db");
  expect(db?.containers.find((c) => c.container === "app")?.evidence.oomKilled).toBe(true);
  expect(db?.containers.find((c) => c.container === "app")?.recommended?.memoryRequestBytes).toBe(1229 * MIB); // 1Gi × 1.2
  expect(job?.name).toBe("job.job");
  expect(job?.verdict).toBe("unknown");
  expect(job?.confidence).toBe(0);
  expect(job?.delta).toEqual({ cpuMillis: 0, memoryBytes: 0 });
});

test.each([
  { verdicts: ["ok", "over", "under"] as const, expected: "under" },
  { verdicts: ["ok", "over"] as const, expected: "over" },
  { verdicts: ["unknown", "ok"] as const, expected: "ok" },
  { verdicts: [] as const, expected: "unknown" },
])("worst of $verdicts is $expected", ({ verdicts, expected }) => {
  expect(worstVerdict(verdicts)).toBe(expected);
});
