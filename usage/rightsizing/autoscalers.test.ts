import { expect, test } from "vitest";
import { autoscalersByWorkload, workloadKey, type AutoscalerLike } from "./autoscalers.js";

function hpa(name: string, target: string, spec: AutoscalerLike["spec"] = {}): AutoscalerLike {
  return {
    metadata: { name, namespace: "shop" },
    spec: { scaleTargetRef: { kind: "Deployment", name: target }, ...spec },
  };
}

test.each([
  {
    name: "a Resource metric on cpu",
    spec: { metrics: [{ type: "Resource", resource: { name: "cpu" } }] },
    resources: ["cpu"],
  },
  {
    name: "cpu and memory, sorted, a ContainerResource metric counted",
    spec: {
      metrics: [
        { type: "ContainerResource", containerResource: { name: "memory" } },
        { type: "Resource", resource: { name: "cpu" } },
      ],
    },
    resources: ["cpu", "memory"],
  },
  {
    name: "autoscaling/v2 without metrics scales on cpu (the controller's default)",
    spec: {},
    resources: ["cpu"],
  },
  {
    name: "autoscaling/v1's targetCPUUtilizationPercentage",
    spec: { targetCPUUtilizationPercentage: 70 },
    resources: ["cpu"],
  },
  {
    name: "only external and pods metrics: not flagged",
    spec: { metrics: [{ type: "External" }, { type: "Pods" }] },
    resources: undefined,
  },
  {
    name: "a resource right-sizing does not change: not flagged",
    spec: { metrics: [{ type: "Resource", resource: { name: "ephemeral-storage" } }] },
    resources: undefined,
  },
])("$name", ({ spec, resources }) => {
  const flags = autoscalersByWorkload([hpa("web-hpa", "web", spec)]);
  const flag = flags.get(workloadKey("shop", { kind: "Deployment", name: "web" }));
  expect(flag?.resources).toEqual(resources);
  if (resources !== undefined) expect(flag?.name).toBe("web-hpa");
});

test("keyed by namespace, kind and name of the target; HPAs without a target are skipped", () => {
  const flags = autoscalersByWorkload([
    hpa("web-hpa", "web"),
    { metadata: { name: "broken", namespace: "shop" }, spec: {} },
  ]);
  expect([...flags.keys()]).toEqual(["shop/Deployment/web"]);
  expect(flags.get("other/Deployment/web")).toBeUndefined();
});
