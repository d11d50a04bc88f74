/**
 * krm's pure capacity model: quantities, a pod's effective requests and limits, what a pod
 * takes and a node offers, scheduling predicates, PVC storage and pool membership.
 * No I/O, no clocks, no state: every function maps its arguments to a fresh result.
 * Shared by the capacity views and the usage ledger; change it only compatibly.
 */
export * from "./quantity.js";
export * from "./resource-list.js";
export * from "./pod-resources.js";
export * from "./pod-footprint.js";
export * from "./node-capacity.js";
export * from "./scheduling.js";
export * from "./pvc-storage.js";
export * from "./pool-label.js";
