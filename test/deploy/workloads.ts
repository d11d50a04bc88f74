import type { V1Container, V1PodTemplateSpec } from "@kubernetes/client-node";
import type { KubeObject } from "./render.js";

/** A rendered Deployment or StatefulSet: the fields the manifest tests read. */
export interface Workload {
  readonly object: KubeObject;
  readonly replicas: number;
  readonly template: V1PodTemplateSpec;
  readonly containers: readonly V1Container[];
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet"]);

/**
 * Rendered YAML has the shape of the client-node models (same JSON field names), so the pod
 * template is read as V1PodTemplateSpec once its presence is checked.
 */
export function workloadsOf(objects: readonly KubeObject[]): Workload[] {
  return objects.filter((object) => WORKLOAD_KINDS.has(object.kind)).map(asWorkload);
}

function asWorkload(object: KubeObject): Workload {
  const spec = object["spec"];
  if (typeof spec !== "object" || spec === null || !("template" in spec)) {
    throw new Error(`${object.kind} ${object.metadata.name} has no pod template`);
  }
  const template = spec.template as V1PodTemplateSpec;
  const replicas = "replicas" in spec && typeof spec.replicas === "number" ? spec.replicas : 1;
  return { object, replicas, template, containers: template.spec?.containers ?? [] };
}

export function envValue(container: V1Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

/** Names of the ConfigMaps and Secrets a container takes its environment from. */
export function envFromNames(container: V1Container): string[] {
  return (container.envFrom ?? []).map(
    (source) => source.configMapRef?.name ?? source.secretRef?.name ?? "<none>",
  );
}
