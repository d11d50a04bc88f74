import { expect, test } from "vitest";
import { workloadName, workloadOf, type OwnedPod } from "./workload-of.js";

const owned = (
  kind: string,
  name: string,
  labels: Record<string, string> = {},
  controller = true,
): OwnedPod => ({
  metadata: { name: "p", labels, ownerReferences: [{ kind, name, controller }] },
});

test.each([
  {
    name: "a Deployment's pod, through its ReplicaSet's name and pod-template-hash",
    pod: owned("ReplicaSet", "web-7d9f8c6b5", { "pod-template-hash": "7d9f8c6b5" }),
    expected: { kind: "Deployment", name: "web" },
  },
  {
    name: "a Deployment whose name has dashes",
    pod: owned("ReplicaSet", "my-api-v2-5c4b9", { "pod-template-hash": "5c4b9" }),
    expected: { kind: "Deployment", name: "my-api-v2" },
  },
  {
    name: "a bare ReplicaSet (no pod-template-hash)",
    pod: owned("ReplicaSet", "standalone"),
    expected: { kind: "ReplicaSet", name: "standalone" },
  },
  {
    name: "a ReplicaSet whose name does not end in the hash stays a ReplicaSet",
    pod: owned("ReplicaSet", "odd", { "pod-template-hash": "abc" }),
    expected: { kind: "ReplicaSet", name: "odd" },
  },
  { name: "a StatefulSet", pod: owned("StatefulSet", "db"), expected: { kind: "StatefulSet", name: "db" } },
  { name: "a DaemonSet", pod: owned("DaemonSet", "agent"), expected: { kind: "DaemonSet", name: "agent" } },
  { name: "a Job", pod: owned("Job", "migrate"), expected: { kind: "Job", name: "migrate" } },
  {
    name: "no owner: the pod itself",
    pod: { metadata: { name: "lonely" } },
    expected: { kind: "Pod", name: "lonely" },
  },
  {
    name: "the controller owner wins over another owner",
    pod: {
      metadata: {
        name: "p",
        ownerReferences: [
          { kind: "ConfigMap", name: "x" },
          { kind: "StatefulSet", name: "db", controller: true },
        ],
      },
    },
    expected: { kind: "StatefulSet", name: "db" },
  },
])("$name", ({ pod, expected }) => {
  expect(workloadOf(pod)).toEqual(expected);
});

test("names are kind.name in lower case kind", () => {
  expect(workloadName({ kind: "StatefulSet", name: "Db-1" })).toBe("statefulset.Db-1");
});
