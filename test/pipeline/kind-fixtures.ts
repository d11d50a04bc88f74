/** Minimal valid objects of the six built-in kinds, for churn against a cluster without controllers. */
import type { KubernetesObject } from "@kubernetes/client-node";

export type FixtureKind =
  | "pods"
  | "deployments.apps"
  | "persistentvolumeclaims"
  | "services"
  | "ingresses.networking.k8s.io"
  | "nodes";

export const FIXTURE_KINDS: readonly FixtureKind[] = [
  "pods",
  "deployments.apps",
  "persistentvolumeclaims",
  "services",
  "ingresses.networking.k8s.io",
  "nodes",
];

const CONTAINER = { name: "app", image: "registry.k8s.io/pause:3.10" };

/** An object of `kind` named `name` (namespace ignored for nodes) with `labels`. */
export function fixture(
  kind: FixtureKind,
  namespace: string,
  name: string,
  labels: Record<string, string>,
): KubernetesObject & Record<string, unknown> {
  const metadata = { name, namespace, labels };
  switch (kind) {
    case "pods":
      return { apiVersion: "v1", kind: "Pod", metadata, spec: { containers: [CONTAINER] } };
    case "deployments.apps":
      return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata,
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [CONTAINER] } },
        },
      };
    case "persistentvolumeclaims":
      return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata,
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      };
    case "services":
      return {
        apiVersion: "v1",
        kind: "Service",
        metadata,
        spec: { ports: [{ port: 80 }], selector: { app: name } },
      };
    case "ingresses.networking.k8s.io":
      return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata,
        spec: { defaultBackend: { service: { name, port: { number: 80 } } } },
      };
    case "nodes":
      return { apiVersion: "v1", kind: "Node", metadata: { name, labels } };
  }
}
