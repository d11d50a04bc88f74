/**
 * Server-side Table columns of nodepools, consumers and capacityleases, so `kubectl get`
 * prints figures the way kube-capacity does: "requested/reservable (percent)".
 */
import type { Cell, ColumnDefinition } from "../../api/table/columns.js";
import { formatHumanQuantity, parseQuantity } from "../model/index.js";

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
const str = (value: unknown): string => (typeof value === "string" ? value : "");

const column = (
  name: string,
  description: string,
  priority = 0,
  type: ColumnDefinition["type"] = "string",
): ColumnDefinition => ({
  name,
  type,
  format: name === "Name" ? "name" : "",
  description,
  priority,
});

export interface CapacityTable {
  readonly columns: readonly ColumnDefinition[];
  cells(object: Json): Cell[];
}

/** "3.5/8 (44%)": an amount of a whole, human-rounded. */
function ofWhole(part: Json, whole: Json, percent: Json, resource: string): string {
  const amount = str(part[resource]) || "0";
  const total = str(whole[resource]);
  const pct = percent[resource];
  const human = (text: string): string => formatHumanQuantity(parseQuantity(text), resource);
  if (total === "") return human(amount);
  return `${human(amount)}/${human(total)} (${typeof pct === "number" ? Math.round(pct) : "-"}%)`;
}

export const NODEPOOL_TABLE: CapacityTable = {
  columns: [
    column("Name", "Pool name"),
    column("Nodes", "Schedulable nodes (and nodes kept apart: cordoned or NoSchedule-tainted)"),
    column("CPU", "CPU requested and leased of reservable"),
    column("Memory", "Memory requested and leased of reservable"),
    column("Pods", "Pods of the pool's pod slots"),
    column("GPU", "nvidia.com/gpu requested of reservable", 1),
    column("Leased CPU", "CPU held by capacity leases", 1),
    column("Leased Memory", "Memory held by capacity leases", 1),
    column("Pending", "Pending pods pinned to this pool", 0, "integer"),
    column("Status", "Ok, Warning, Critical or Overcommitted"),
    column("Reason", "The resource that decided the status", 1),
  ],
  cells: (object) => {
    const status = obj(object["status"]);
    const nodes = obj(status["nodes"]);
    const taken = takenOf(status);
    const reservable = obj(status["reservable"]);
    const percent = obj(status["percentUsed"]);
    const leased = obj(status["leased"]);
    const closed = Number(nodes["unschedulable"] ?? 0);
    return [
      str(obj(object["metadata"])["name"]),
      closed > 0 ? `${String(nodes["schedulable"])} (+${closed})` : String(nodes["schedulable"]),
      ofWhole(taken, reservable, percent, "cpu"),
      ofWhole(taken, reservable, percent, "memory"),
      ofWhole(taken, reservable, percent, "pods"),
      ofWhole(taken, reservable, percent, "nvidia.com/gpu"),
      formatHumanQuantity(parseQuantity(str(leased["cpu"]) || "0"), "cpu"),
      formatHumanQuantity(parseQuantity(str(leased["memory"]) || "0"), "memory"),
      Number(obj(status["pending"])["pods"] ?? 0),
      str(status["status"]),
      str(status["reason"]),
    ];
  },
};

/** requested + leased, as the percentages count them. */
function takenOf(status: Json): Json {
  const requested = obj(status["requested"]);
  const leased = obj(status["leased"]);
  const out: Json = {};
  for (const name of new Set([...Object.keys(requested), ...Object.keys(leased)])) {
    const sum = parseQuantity(str(requested[name]) || "0") + parseQuantity(str(leased[name]) || "0");
    out[name] = `${sum}m`;
  }
  return out;
}

export const CONSUMER_TABLE: CapacityTable = {
  columns: [
    column("Name", "Namespace or consumer label value"),
    column("Pods", "Running (and pending) pods"),
    column("CPU Requests", "CPU requested, and share of the cluster's schedulable allocatable"),
    column("CPU Limits", "CPU limits"),
    column("Memory Requests", "Memory requested, and share of the cluster"),
    column("Memory Limits", "Memory limits"),
    column("Quota", "The most used ResourceQuota entry, used/hard"),
    column("Storage", "PVC storage, all classes", 1),
    column("Status", "Ok, Warning, Critical or Overcommitted (against quota)"),
    column("Reason", "The quota entry that decided the status", 1),
  ],
  cells: (object) => {
    const status = obj(object["status"]);
    const pods = obj(status["pods"]);
    const requests = obj(status["requests"]);
    const limits = obj(status["limits"]);
    const share = obj(status["shareOfCluster"]);
    const quota = obj(status["quota"]);
    const pending = Number(pods["pending"] ?? 0);
    const withShare = (resource: string): string => {
      const amount = formatHumanQuantity(parseQuantity(str(requests[resource]) || "0"), resource);
      const pct = share[resource];
      return typeof pct === "number" ? `${amount} (${Math.round(pct)}%)` : amount;
    };
    const storage = Object.values(obj(status["storage"])).reduce<bigint>(
      (total, v) => total + parseQuantity(str(v) || "0"),
      0n,
    );
    return [
      str(obj(object["metadata"])["name"]),
      pending > 0 ? `${String(pods["running"])} (+${pending})` : String(pods["running"]),
      withShare("cpu"),
      formatHumanQuantity(parseQuantity(str(limits["cpu"]) || "0"), "cpu"),
      withShare("memory"),
      formatHumanQuantity(parseQuantity(str(limits["memory"]) || "0"), "memory"),
      mostUsedQuota(quota),
      formatHumanQuantity(storage, "storage"),
      str(status["status"]),
      str(status["reason"]),
    ];
  },
};

function mostUsedQuota(quota: Json): string {
  const percent = obj(quota["percentUsed"]);
  const entries = Object.entries(percent).filter((e): e is [string, number] => typeof e[1] === "number");
  if (entries.length === 0) return "<none>";
  const [name, pct] = entries.reduce((a, b) => (b[1] > a[1] ? b : a));
  const resource = name.replace(/^(requests|limits)\./, "");
  const show = (v: unknown): string => formatHumanQuantity(parseQuantity(str(v) || "0"), resource);
  return `${name} ${show(obj(quota["used"])[name])}/${show(obj(quota["hard"])[name])} (${Math.round(pct)}%)`;
}

export const LEASE_TABLE: CapacityTable = {
  columns: [
    column("Name", "Lease name"),
    column("Holder", "Who holds the lease"),
    column("Phase", "Granted, Expired or Released"),
    column("Pools", "Pools the lease holds capacity on"),
    column("Resources", "Held per pool"),
    column("Expires", "When the lease lapses unless renewed"),
  ],
  cells: (object) => {
    const spec = obj(object["spec"]);
    const status = obj(object["status"]);
    const pools = Array.isArray(status["pools"]) ? (status["pools"] as unknown[]).map(str) : [];
    const resources = Object.entries(obj(spec["resources"])).map(([k, v]) => `${k}=${str(v)}`);
    return [
      str(obj(object["metadata"])["name"]),
      str(spec["holder"]),
      str(status["phase"]),
      pools.join(",") || "<none>",
      resources.join(","),
      str(status["expiresAt"]),
    ];
  },
};
