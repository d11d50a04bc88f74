import { describe, expect, test } from "vitest";
import { observePod, observePvc, type Observation } from "./observation.js";
import { gpuMatcher } from "./rates.js";

const options = { labelKeys: ["team"], isGpu: gpuMatcher() };
const T0 = Date.parse("2026-03-01T10:00:00Z");
const AT = T0 + 600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

function pod(
  extra: {
    nodeName?: string;
    phase?: string;
    finishedAt?: number;
    deletion?: number;
    scheduled?: number;
    init?: boolean;
  } = {},
): object {
  return {
    metadata: {
      uid: "u1",
      namespace: "ns",
      labels: { team: "t" },
      creationTimestamp: iso(T0 - 5_000),
      ...(extra.deletion !== undefined ? { deletionTimestamp: iso(extra.deletion) } : {}),
    },
    spec: {
      ...(extra.nodeName !== undefined ? { nodeName: extra.nodeName } : {}),
      containers: [
        { name: "a", resources: { requests: { cpu: "250m", memory: "64Mi", "nvidia.com/gpu": "1" } } },
        { name: "b", resources: { requests: { cpu: "250m", memory: "64Mi" } } },
      ],
      ...(extra.init === true
        ? { initContainers: [{ name: "i", resources: { requests: { cpu: "2" } } }] }
        : {}),
      overhead: { cpu: "100m" },
    },
    status: {
      phase: extra.phase ?? "Running",
      ...(extra.scheduled !== undefined
        ? { conditions: [{ type: "PodScheduled", status: "True", lastTransitionTime: iso(extra.scheduled) }] }
        : {}),
      ...(extra.finishedAt !== undefined
        ? { containerStatuses: [{ state: { terminated: { finishedAt: iso(extra.finishedAt) } } }] }
        : {}),
    },
  };
}

const reserving = (since: number, cpu = 0.6): Observation["reserving"] => ({
  since,
  rates: { cpu, memory: 128 * 2 ** 20, gpu: 1 },
  groups: ["namespace:ns", "label:team=t"],
});

describe("observePod", () => {
  test.each<{
    name: string;
    type?: "ADDED" | "MODIFIED" | "DELETED";
    pod: object;
    expected: Omit<Observation, "uid" | "rv" | "at">;
  }>([
    { name: "pending: reserves nothing", pod: pod({ phase: "Pending" }), expected: {} },
    {
      name: "bound: effective requests (with overhead) from PodScheduled",
      pod: pod({ nodeName: "n", scheduled: T0 }),
      expected: { reserving: reserving(T0) },
    },
    {
      name: "an init container larger than the app containers sets the pod's CPU",
      pod: pod({ nodeName: "n", scheduled: T0, init: true }),
      expected: { reserving: reserving(T0, 2.1) },
    },
    {
      name: "bound without PodScheduled: from creation",
      pod: pod({ nodeName: "n" }),
      expected: { reserving: reserving(T0 - 5_000) },
    },
    {
      name: "succeeded: until the last container finished",
      pod: pod({ nodeName: "n", scheduled: T0, phase: "Succeeded", finishedAt: T0 + 60_000 }),
      expected: { reserving: reserving(T0), until: T0 + 60_000 },
    },
    {
      name: "failed without finish times: until the change",
      pod: pod({ nodeName: "n", scheduled: T0, phase: "Failed" }),
      expected: { reserving: reserving(T0), until: AT },
    },
    {
      name: "deleted running: until its deletionTimestamp when that is earlier than the change",
      type: "DELETED",
      pod: pod({ nodeName: "n", scheduled: T0, deletion: T0 + 30_000 }),
      expected: { reserving: reserving(T0), until: T0 + 30_000 },
    },
    {
      name: "deleted without deletionTimestamp (seen gone by a snapshot): until the change",
      type: "DELETED",
      pod: pod({ nodeName: "n", scheduled: T0 }),
      expected: { reserving: reserving(T0), until: AT },
    },
    {
      name: "deleted while pending: stopped, reserved nothing",
      type: "DELETED",
      pod: pod({ phase: "Pending" }),
      expected: { until: AT },
    },
  ])("$name", ({ type, pod: object, expected }) => {
    expect(observePod(type ?? "MODIFIED", "7", object, AT, options)).toEqual({
      uid: "u1",
      rv: "7",
      at: AT,
      ...expected,
    });
  });

  test("an object without uid is not observed", () => {
    expect(observePod("ADDED", "1", { metadata: {} }, AT, options)).toBeUndefined();
  });
});

describe("observePvc", () => {
  const claim = (deletion?: number): object => ({
    metadata: {
      uid: "c1",
      namespace: "ns",
      creationTimestamp: iso(T0),
      ...(deletion !== undefined ? { deletionTimestamp: iso(deletion) } : {}),
    },
    spec: { resources: { requests: { storage: "1Gi" } } },
    status: { phase: "Bound", capacity: { storage: "2Gi" } },
  });
  test("bound capacity from creation", () => {
    expect(observePvc("ADDED", "3", claim(), AT, options)).toEqual({
      uid: "c1",
      rv: "3",
      at: AT,
      reserving: { since: T0, rates: { storage: 2 * 2 ** 30 }, groups: ["namespace:ns", "label:team="] },
    });
  });
  test("deleted: until its deletionTimestamp", () => {
    expect(observePvc("DELETED", "4", claim(T0 + 1_000), AT, options)?.until).toBe(T0 + 1_000);
  });
});
