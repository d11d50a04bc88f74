/**
 * Server-side printing columns per built-in kind, as the API server's table convertors
 * print them (a compact subset of `pkg/printers/internalversion`), so `kubectl get`
 * against krm shows the usual columns. Other kinds get Name and Age, or their CRD's printer
 * columns (printer-columns.ts).
 */
import type { KubeObject } from "../../core/object-key.js";
import { ageOf } from "./human-duration.js";

export interface ColumnDefinition {
  readonly name: string;
  /** OpenAPI type: string, integer, number, boolean or date (CRD printer columns use all five). */
  readonly type: string;
  readonly format: string;
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  readonly priority: number;
}

export type Cell = string | number | boolean | null;

export interface TableSpec {
  readonly columns: readonly ColumnDefinition[];
  cells(object: KubeObject, now: number): Cell[];
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
const arr = (value: unknown): Json[] => (Array.isArray(value) ? value.map(obj) : []);
const str = (value: unknown, fallback = ""): string => (typeof value === "string" ? value : fallback);
const num = (value: unknown): number => (typeof value === "number" ? value : 0);
const none = (text: string): string => (text === "" ? "<none>" : text);

const column = (
  name: string,
  description: string,
  priority = 0,
  type: ColumnDefinition["type"] = "string",
  format = "",
): ColumnDefinition => ({
  name,
  type,
  format,
  description,
  priority,
});
export const NAME = column("Name", "Name must be unique within a namespace.", 0, "string", "name");
export const AGE = column(
  "Age",
  "CreationTimestamp is a timestamp representing the server time when this object was created.",
);
const age = (o: KubeObject, now: number): string => ageOf(o.metadata.creationTimestamp, now);
const name = (o: KubeObject): string => o.metadata.name ?? "";

const POD: TableSpec = {
  columns: [
    NAME,
    column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "The aggregate status of the containers in this pod."),
    column("Restarts", "The number of times the containers in this pod have been restarted.", 0, "string"),
    AGE,
    column("IP", "IP address allocated to the pod.", 1),
    column("Node", "Name of the node the pod is assigned to.", 1),
    column("Nominated Node", "Name of the node where the pod is nominated.", 1),
    column("Readiness Gates", "Pod readiness gates.", 1),
  ],
  cells(o, now) {
    const spec = obj(o["spec"]);
    const status = obj(o["status"]);
    const statuses = arr(status["containerStatuses"]);
    let reason = str(status["reason"]) || str(status["phase"]);
    let restarts = 0;
    let ready = 0;
    for (const container of statuses) {
      restarts += num(container["restartCount"]);
      const state = obj(container["state"]);
      const waiting = str(obj(state["waiting"])["reason"]);
      const terminated = obj(state["terminated"]);
      if (waiting !== "") reason = waiting;
      else if (Object.keys(terminated).length > 0) {
        reason =
          str(terminated["reason"]) ||
          (terminated["signal"] !== undefined
            ? `Signal:${num(terminated["signal"])}`
            : `ExitCode:${num(terminated["exitCode"])}`);
      } else if (container["ready"] === true && state["running"] !== undefined) ready++;
    }
    if (o.metadata.deletionTimestamp !== undefined && reason !== "NodeLost") reason = "Terminating";
    const total = arr(spec["containers"]).length;
    const gates = arr(spec["readinessGates"]);
    const conditions = arr(status["conditions"]);
    const gatesReady = gates.filter((g) =>
      conditions.some((c) => c["type"] === g["conditionType"] && c["status"] === "True"),
    ).length;
    return [
      name(o),
      `${ready}/${total}`,
      reason,
      String(restarts),
      age(o, now),
      none(str(status["podIP"])),
      none(str(spec["nodeName"])),
      none(str(status["nominatedNodeName"])),
      gates.length === 0 ? "<none>" : `${gatesReady}/${gates.length}`,
    ];
  },
};

const DEPLOYMENT: TableSpec = {
  columns: [
    NAME,
    column("Ready", "Number of the pod with ready state"),
    column(
      "Up-to-date",
      "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
      0,
      "integer",
    ),
    column(
      "Available",
      "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
      0,
      "integer",
    ),
    AGE,
    column("Containers", "Names of each container in the template.", 1),
    column("Images", "Images referenced by each container in the template.", 1),
  ],
  cells(o, now) {
    const spec = obj(o["spec"]);
    const status = obj(o["status"]);
    const containers = arr(obj(obj(spec["template"])["spec"])["containers"]);
    const replicas = typeof spec["replicas"] === "number" ? spec["replicas"] : 1;
    return [
      name(o),
      `${num(status["readyReplicas"])}/${replicas}`,
      num(status["updatedReplicas"]),
      num(status["availableReplicas"]),
      age(o, now),
      containers.map((c) => str(c["name"])).join(","),
      containers.map((c) => str(c["image"])).join(","),
    ];
  },
};

const SERVICE: TableSpec = {
  columns: [
    NAME,
    column("Type", "The type of the service."),
    column("Cluster-IP", "The cluster IP of the service."),
    column("External-IP", "The external IPs of the service."),
    column("Port(s)", "The ports of the service."),
    AGE,
    column("Selector", "The label selector of the service.", 1),
  ],
  cells(o, now) {
    const spec = obj(o["spec"]);
    const type = str(spec["type"], "ClusterIP");
    const ingress = arr(obj(obj(o["status"])["loadBalancer"])["ingress"]).map(
      (i) => str(i["ip"]) || str(i["hostname"]),
    );
    const external = [
      ...(Array.isArray(spec["externalIPs"]) ? spec["externalIPs"].map((ip) => str(ip)) : []),
      ...ingress,
    ];
    const ports = arr(spec["ports"]).map((p) => {
      const nodePort = typeof p["nodePort"] === "number" ? `:${p["nodePort"]}` : "";
      return `${num(p["port"])}${nodePort}/${str(p["protocol"], "TCP")}`;
    });
    const selector = Object.entries(obj(spec["selector"])).map(([k, v]) => `${k}=${str(v)}`);
    const externalText =
      external.length > 0 ? external.join(",") : type === "LoadBalancer" ? "<pending>" : "<none>";
    return [
      name(o),
      type,
      none(str(spec["clusterIP"])),
      externalText,
      none(ports.join(",")),
      age(o, now),
      none(selector.join(",")),
    ];
  },
};

const PVC: TableSpec = {
  columns: [
    NAME,
    column("Status", "The phase of the claim."),
    column("Volume", "The volume bound to the claim."),
    column("Capacity", "The capacity of the bound volume."),
    column("Access Modes", "The access modes of the claim."),
    column("StorageClass", "The storage class of the claim."),
    AGE,
  ],
  cells(o, now) {
    const spec = obj(o["spec"]);
    const status = obj(o["status"]);
    const modes = (Array.isArray(status["accessModes"]) ? status["accessModes"] : []).map(
      (m) => ACCESS_MODES[str(m)] ?? str(m),
    );
    return [
      name(o),
      o.metadata.deletionTimestamp !== undefined ? "Terminating" : str(status["phase"]),
      str(spec["volumeName"]),
      str(obj(status["capacity"])["storage"]),
      modes.join(","),
      none(str(spec["storageClassName"])),
      age(o, now),
    ];
  },
};
const ACCESS_MODES: Readonly<Record<string, string>> = {
  ReadWriteOnce: "RWO",
  ReadOnlyMany: "ROX",
  ReadWriteMany: "RWX",
  ReadWriteOncePod: "RWOP",
};

const INGRESS: TableSpec = {
  columns: [
    NAME,
    column("Class", "The ingress class."),
    column("Hosts", "Hosts that incoming requests are matched against."),
    column("Address", "Address is a list containing ingress points for the load-balancer."),
    column("Ports", "Ports of TLS configurations that open."),
    AGE,
  ],
  cells(o, now) {
    const spec = obj(o["spec"]);
    const hosts = arr(spec["rules"])
      .map((r) => str(r["host"]))
      .filter((h) => h !== "");
    const address = arr(obj(obj(o["status"])["loadBalancer"])["ingress"]).map(
      (i) => str(i["ip"]) || str(i["hostname"]),
    );
    return [
      name(o),
      none(str(spec["ingressClassName"])),
      hosts.length > 0 ? hosts.join(",") : "*",
      address.join(","),
      arr(spec["tls"]).length > 0 ? "80, 443" : "80",
      age(o, now),
    ];
  },
};

const NODE: TableSpec = {
  columns: [
    NAME,
    column("Status", "The status of the node"),
    column("Roles", "The roles of the node"),
    AGE,
    column("Version", "Kubelet Version reported by the node."),
    column("Internal-IP", "List of internal IPs for the node.", 1),
  ],
  cells(o, now) {
    const status = obj(o["status"]);
    const conditions = arr(status["conditions"]);
    const readyCondition = conditions.find((c) => c["type"] === "Ready");
    const states = [
      readyCondition === undefined ? "Unknown" : readyCondition["status"] === "True" ? "Ready" : "NotReady",
    ];
    if (obj(o["spec"])["unschedulable"] === true) states.push("SchedulingDisabled");
    const roles = Object.keys(o.metadata.labels ?? {})
      .filter((l) => l.startsWith("node-role.kubernetes.io/"))
      .map((l) => l.slice("node-role.kubernetes.io/".length))
      .filter((r) => r !== "");
    const internal = arr(status["addresses"])
      .filter((a) => a["type"] === "InternalIP")
      .map((a) => str(a["address"]));
    return [
      name(o),
      states.join(","),
      none(roles.join(",")),
      age(o, now),
      str(obj(status["nodeInfo"])["kubeletVersion"]),
      none(internal.join(",")),
    ];
  },
};

const NAMESPACE: TableSpec = {
  columns: [NAME, column("Status", "The status of the namespace"), AGE],
  cells: (o, now) => [name(o), str(obj(o["status"])["phase"]), age(o, now)],
};

/** `resource: used/hard, …` sorted by resource name; `limits.*` go to the Limit column. */
const RESOURCE_QUOTA: TableSpec = {
  columns: [
    NAME,
    column("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
    column(
      "Limit",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
    AGE,
  ],
  cells(o, now) {
    const status = obj(o["status"]);
    const hard = obj(status["hard"]);
    const used = obj(status["used"]);
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort()) {
      const entry = `${resource}: ${str(used[resource], "0")}/${str(hard[resource])}`;
      (resource.split(".")[0] === "limits" && resource.includes(".") ? limits : requests).push(entry);
    }
    return [name(o), requests.join(", "), limits.join(", "), age(o, now)];
  },
};

const DEFAULT: TableSpec = { columns: [NAME, AGE], cells: (o, now) => [name(o), age(o, now)] };

const BY_KIND: Readonly<Record<string, TableSpec>> = {
  pods: POD,
  "deployments.apps": DEPLOYMENT,
  services: SERVICE,
  persistentvolumeclaims: PVC,
  "ingresses.networking.k8s.io": INGRESS,
  nodes: NODE,
  namespaces: NAMESPACE,
  resourcequotas: RESOURCE_QUOTA,
};

/** A built-in kind's columns, or undefined for other kinds. */
export function builtinTableSpec(kindId: string): TableSpec | undefined {
  return BY_KIND[kindId];
}

/** Name and Age: the columns of a kind with no printer of its own. */
export const NAME_AGE_TABLE = DEFAULT;
