/**
 * `fitreviews`: like a SubjectAccessReview, the answer is in the `status` of the created
 * object and nothing is stored. Spec:
 *   replicas: N (default 1)
 *   template: { spec: <pod spec: containers, initContainers, overhead, nodeSelector, tolerations> }
 *     or the shorthand resources: { requests: {...} } with nodeSelector / tolerations beside it
 *   policy: LeastUtilized (default) | MostAllocated
 */
import type { CapacityState } from "../aggregates/capacity-state.js";
import type { FitPolicy } from "../fit/fit.js";
import { indexedFit } from "../fit/indexed-fit.js";
import { MILLI, POD_SLOTS, QuantityError, podRequests, tolerationsOf } from "../model/index.js";
import { CAPACITY_API_VERSION } from "./resources.js";
import {
  Causes,
  asObject,
  integerIn,
  optionalObject,
  resourceList,
  stringMap,
  type Json,
} from "./validation.js";

/** Most replicas one review asks about (bounds the work and the answer). */
export const MAX_FIT_REPLICAS = 100_000;

export function fitReview(body: unknown, state: CapacityState): Json {
  const object = asObject(body, "a FitReview");
  const causes = new Causes();
  const spec = optionalObject(object["spec"], "spec", causes) ?? {};
  const replicas = integerIn(spec["replicas"], "spec.replicas", 1, MAX_FIT_REPLICAS, 1, causes);
  const policyText = spec["policy"] ?? "LeastUtilized";
  if (policyText !== "LeastUtilized" && policyText !== "MostAllocated")
    causes.add("spec.policy", "must be LeastUtilized or MostAllocated");
  const policy: FitPolicy = policyText === "MostAllocated" ? "MostAllocated" : "LeastUtilized";
  const template = optionalObject(
    optionalObject(spec["template"], "spec.template", causes)?.["spec"],
    "spec.template.spec",
    causes,
  );
  let requests = new Map<string, bigint>();
  let nodeSelector: Record<string, string> | undefined;
  let tolerations: unknown;
  if (template !== undefined) {
    try {
      requests = podRequests({ spec: template });
    } catch (error) {
      if (error instanceof QuantityError) causes.add("spec.template.spec", error.message);
      else causes.add("spec.template.spec", "is not a pod spec");
    }
    nodeSelector = stringMap(template["nodeSelector"], "spec.template.spec.nodeSelector", causes);
    tolerations = template["tolerations"];
  } else {
    requests = resourceList(
      optionalObject(spec["resources"], "spec.resources", causes)?.["requests"],
      "spec.resources.requests",
      causes,
    );
    nodeSelector = stringMap(spec["nodeSelector"], "spec.nodeSelector", causes);
    tolerations = spec["tolerations"];
  }
  if (tolerations !== undefined && !Array.isArray(tolerations))
    causes.add("spec.tolerations", "must be a list");
  const metadata = optionalObject(object["metadata"], "metadata", causes);
  causes.throwIfAny("FitReview", typeof metadata?.["name"] === "string" ? metadata["name"] : "");
  requests.set(POD_SLOTS, (requests.get(POD_SLOTS) ?? 0n) + MILLI);
  const leased = new Map([...state.pools].map(([name, pool]) => [name, pool.leased]));
  const result = indexedFit(
    {
      replicas,
      requests,
      ...(nodeSelector !== undefined ? { nodeSelector } : {}),
      tolerations: tolerationsOf(Array.isArray(tolerations) ? (tolerations as unknown[]) : []),
      policy,
    },
    state.fitPools(),
    leased,
  );
  return {
    apiVersion: CAPACITY_API_VERSION,
    kind: "FitReview",
    metadata: { ...(metadata ?? {}), creationTimestamp: null },
    spec,
    status: result,
  };
}
