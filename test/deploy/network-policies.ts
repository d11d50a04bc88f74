import type { KubeObject } from "./render.js";
import type { Workload } from "./workloads.js";

/**
 * Which rendered workloads a NetworkPolicy lets connect to which: the rules of
 * networking.k8s.io/v1 for the subset the manifests use (podSelector with matchLabels and
 * `In` expressions, same-namespace peers, Ingress only). No CNI runs in the test cluster, so
 * the policies are evaluated here, over the rendered pods' labels.
 */
interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

interface Peer {
  readonly podSelector?: LabelSelector;
}

interface PolicySpec {
  readonly podSelector: LabelSelector;
  readonly policyTypes?: readonly string[];
  // `from` as JSON has it; `_from` as @kubernetes/client-node's model (render.ts parses with it) names it.
  readonly ingress?: readonly { from?: readonly Peer[]; _from?: readonly Peer[] }[];
}

export function selects(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every((expression) => {
    if (expression.operator !== "In") throw new Error(`operator ${expression.operator} not modelled`);
    const value = labels[expression.key];
    return value !== undefined && (expression.values ?? []).includes(value);
  });
  return byLabels && byExpressions;
}

function podLabels(workload: Workload): Readonly<Record<string, string>> {
  return workload.template.metadata?.labels ?? {};
}

/**
 * Names of the workloads whose pods may open a connection to `target`'s pods, or undefined
 * when no policy selects `target` (then every pod may).
 */
export function allowedClients(
  policies: readonly KubeObject[],
  workloads: readonly Workload[],
  target: Workload,
): string[] | undefined {
  const applying = policies
    .map((policy) => policy["spec"] as PolicySpec)
    .filter((spec) => (spec.policyTypes ?? ["Ingress"]).includes("Ingress"))
    .filter((spec) => selects(spec.podSelector, podLabels(target)));
  if (applying.length === 0) return undefined;
  const peers = applying.flatMap((spec) =>
    (spec.ingress ?? []).flatMap((rule) => rule.from ?? rule._from ?? []),
  );
  return workloads
    .filter((client) =>
      peers.some((peer) => peer.podSelector !== undefined && selects(peer.podSelector, podLabels(client))),
    )
    .map((client) => client.object.metadata.name)
    .sort();
}
