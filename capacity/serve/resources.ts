/** The capacity.krm.dev/v1alpha1 API: group, resources, kinds (docs/derived-views.md). */
import type { DerivedResource } from "../../api/http/derived-views.js";

export const CAPACITY_GROUP = "capacity.krm.dev";
export const CAPACITY_VERSION = "v1alpha1";
export const CAPACITY_API_VERSION = `${CAPACITY_GROUP}/${CAPACITY_VERSION}`;

/** Label every nodepool and consumer carries with its status, so `-l capacity.krm.dev/status=Critical` selects. */
export const STATUS_LABEL = "capacity.krm.dev/status";

export const CAPACITY_RESOURCES: readonly DerivedResource[] = [
  {
    name: "nodepools",
    singularName: "nodepool",
    kind: "NodePool",
    namespaced: false,
    verbs: ["get", "list", "watch"],
    shortNames: ["np"],
    categories: ["capacity"],
  },
  {
    name: "consumers",
    singularName: "consumer",
    kind: "Consumer",
    namespaced: false,
    verbs: ["get", "list", "watch"],
    categories: ["capacity"],
  },
  { name: "fitreviews", singularName: "fitreview", kind: "FitReview", namespaced: false, verbs: ["create"] },
  {
    name: "capacityleases",
    singularName: "capacitylease",
    kind: "CapacityLease",
    namespaced: false,
    verbs: ["create", "get", "list", "watch", "delete", "update"],
    shortNames: ["clease"],
    categories: ["capacity"],
  },
];
