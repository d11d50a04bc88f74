import type { V1Deployment, V1Job, V1Namespace, V1ResourceQuota } from "@kubernetes/client-node";
import { DEMO_POOL_LABEL, GPU_TAINT } from "./demo-node-pools.js";

/** Namespace of the churn loop (pods created, relabelled and deleted) and the small fixtures. */
export const DEMO_NAMESPACE = "krm-demo";

/** Team namespaces, labelled `team`, each with workloads that request and limit resources. */
export const TEAM_NAMESPACES = ["web", "data", "ml"] as const;

/** Annotation kwok's pod-complete stage reads (local/cluster/kwok-stages.yaml): how long a Job pod runs. */
const RUN_FOR = "pod-complete.stage.kwok.x-k8s.io/delay";

export function demoNamespaces(): V1Namespace[] {
  return [DEMO_NAMESPACE, ...TEAM_NAMESPACES].map((team) => ({ metadata: { name: team, labels: { team } } }));
}

interface Container {
  readonly requests: Record<string, string>;
  readonly limits?: Record<string, string>;
}

function deployment(
  namespace: string,
  name: string,
  replicas: number,
  container: Container,
  placement: { pool?: string; tolerateGpu?: boolean } = {},
): V1Deployment {
  const labels = { app: name, team: namespace };
  return {
    metadata: { name, namespace, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name,
              image: `registry.example.com/${namespace}/${name}:1.0`,
              resources: {
                requests: container.requests,
                ...(container.limits ? { limits: container.limits } : {}),
              },
            },
          ],
          ...(placement.pool === undefined ? {} : { nodeSelector: { [DEMO_POOL_LABEL]: placement.pool } }),
          ...(placement.tolerateGpu === true
            ? { tolerations: [{ key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect }] }
            : {}),
        },
      },
    },
  };
}

/** Deployments with requests and limits, spread over the pools by the scheduler. */
export function demoDeployments(): V1Deployment[] {
  return [
    deployment(DEMO_NAMESPACE, "demo", 2, { requests: { cpu: "100m", memory: "128Mi" } }),
    deployment("web", "frontend", 4, {
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    }),
    deployment("web", "api", 3, {
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "1", memory: "2Gi" },
    }),
    deployment(
      "data",
      "cache",
      2,
      { requests: { cpu: "1", memory: "12Gi" }, limits: { memory: "16Gi" } },
      { pool: "highmem" },
    ),
    deployment(
      "ml",
      "trainer",
      1,
      { requests: { cpu: "4", memory: "24Gi", "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
      { pool: "gpu", tolerateGpu: true },
    ),
  ];
}

/** A Job whose three pods run one after the other for a while each, then succeed. */
export function demoJob(): V1Job {
  return {
    metadata: { name: "nightly-report", namespace: "data", labels: { team: "data" } },
    spec: {
      completions: 3,
      parallelism: 1,
      template: {
        metadata: { labels: { app: "nightly-report", team: "data" }, annotations: { [RUN_FOR]: "20s" } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "report",
              image: "registry.example.com/data/report:1.0",
              resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "2Gi" } },
            },
          ],
        },
      },
    },
  };
}

/** Quotas the resource quota controller fills in (status.used), one per team. */
export function demoQuotas(): V1ResourceQuota[] {
  const quota = (namespace: string, hard: Record<string, string>): V1ResourceQuota => ({
    metadata: { name: `${namespace}-quota`, namespace },
    spec: { hard },
  });
  return [
    quota("web", {
      "requests.cpu": "4",
      "requests.memory": "8Gi",
      "limits.cpu": "8",
      "limits.memory": "16Gi",
      pods: "20",
    }),
    quota("data", { "requests.cpu": "6", "requests.memory": "40Gi", pods: "20" }),
    quota("ml", { "requests.cpu": "8", "requests.nvidia.com/gpu": "2", pods: "10" }),
  ];
}
