/**
 * HorizontalPodAutoscalers that scale a workload on a resource right-sizing changes. An HPA
 * on CPU or memory utilization measures usage against the *request*: change the request and
 * the HPA scales differently, so the VPA documentation warns against advising both on the same
 * resource. A recommendation for such a workload is flagged (not withheld).
 *
 * HPAs are read only when krm caches them (`--kinds …,autoscaling/v2/horizontalpodautoscalers/
 * HorizontalPodAutoscaler`, plus the pipeline for that kind); otherwise nothing is flagged.
 * Rules (autoscaling/v2): a `Resource` or `ContainerResource` metric names its resource; an HPA
 * without metrics scales on CPU (the controller's default of 80 %); autoscaling/v1's
 * `targetCPUUtilizationPercentage` is CPU.
 */
import type { WorkloadRef } from "./workload-of.js";

/** The subset of an HPA (autoscaling/v1 or v2) the rule reads. */
export interface AutoscalerLike {
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly scaleTargetRef?: { readonly kind?: string; readonly name?: string };
    readonly metrics?: readonly {
      readonly type?: string;
      readonly resource?: { readonly name?: string };
      readonly containerResource?: { readonly name?: string };
    }[];
    readonly targetCPUUtilizationPercentage?: number;
  };
}

export interface AutoscalerFlag {
  /** The HPA's name. */
  readonly name: string;
  /** The resources it scales on that right-sizing changes (cpu, memory), sorted. */
  readonly resources: readonly string[];
}

const RIGHTSIZED = new Set(["cpu", "memory"]);

/** `<namespace>/<Kind>/<name>` of a workload, the key {@link autoscalersByWorkload} uses. */
export function workloadKey(namespace: string, workload: WorkloadRef): string {
  return `${namespace}/${workload.kind}/${workload.name}`;
}

/** HPAs scaling on cpu or memory, by the workload they target. */
export function autoscalersByWorkload(hpas: readonly AutoscalerLike[]): Map<string, AutoscalerFlag> {
  const out = new Map<string, AutoscalerFlag>();
  for (const hpa of hpas) {
    const target = hpa.spec?.scaleTargetRef;
    if (target?.kind === undefined || target.name === undefined) continue;
    const resources = resourcesOf(hpa);
    if (resources.length === 0) continue;
    out.set(workloadKey(hpa.metadata?.namespace ?? "", { kind: target.kind, name: target.name }), {
      name: hpa.metadata?.name ?? "",
      resources,
    });
  }
  return out;
}

function resourcesOf(hpa: AutoscalerLike): string[] {
  const spec = hpa.spec ?? {};
  const names = new Set<string>();
  if (spec.targetCPUUtilizationPercentage !== undefined) names.add("cpu");
  const metrics = spec.metrics;
  if (metrics === undefined || metrics.length === 0) {
    if (spec.targetCPUUtilizationPercentage === undefined) names.add("cpu");
  } else
    for (const metric of metrics) {
      const name =
        metric.type === "Resource"
          ? metric.resource?.name
          : metric.type === "ContainerResource"
            ? metric.containerResource?.name
            : undefined;
      if (name !== undefined && RIGHTSIZED.has(name)) names.add(name);
    }
  return [...names].sort();
}
