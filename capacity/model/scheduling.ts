/**
 * The parts of scheduling that decide whether a pod may land on a node at all (before
 * resources): taints/tolerations (`k8s.io/api/core/v1` `Toleration.ToleratesTaint`) and
 * `nodeSelector` (every pair must equal a node label).
 */

export interface Taint {
  readonly key: string;
  readonly value: string;
  readonly effect: string;
}

export interface Toleration {
  readonly key: string;
  /** "Equal" (the default) or "Exists". */
  readonly operator: string;
  readonly value: string;
  /** Empty tolerates every effect. */
  readonly effect: string;
}

export function taintsOf(raw: readonly unknown[] | undefined): Taint[] {
  return (raw ?? []).flatMap((item) => {
    if (typeof item !== "object" || item === null) return [];
    const t = item as Record<string, unknown>;
    return [{ key: text(t.key), value: text(t.value), effect: text(t.effect) }];
  });
}

export function tolerationsOf(raw: readonly unknown[] | undefined): Toleration[] {
  return (raw ?? []).flatMap((item) => {
    if (typeof item !== "object" || item === null) return [];
    const t = item as Record<string, unknown>;
    return [
      {
        key: text(t.key),
        operator: text(t.operator) || "Equal",
        value: text(t.value),
        effect: text(t.effect),
      },
    ];
  });
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Kubernetes' ToleratesTaint: effect, key (empty key with Exists matches all) and value. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== "" && toleration.effect !== taint.effect) return false;
  if (toleration.key !== "" && toleration.key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  return toleration.operator === "Equal" && toleration.value === taint.value;
}

/** Every taint is tolerated by some toleration. */
export function toleratesAll(tolerations: readonly Toleration[], taints: readonly Taint[]): boolean {
  return taints.every((taint) => tolerations.some((t) => tolerates(t, taint)));
}

export function matchesNodeSelector(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector === undefined) return true;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}
