/**
 * Realistic objects for the populations: pods with two containers, labels, requests and
 * limits, env, a probe and a volume (about 4.5 KB of JSON once the API server adds defaults
 * and managedFields), deployments, services, nodes. Names and labels are deterministic so reads
 * can target known objects and selectors match a known share of pods.
 */

/** Namespaces the population spreads over, as the issue asks. */
export const NAMESPACE_COUNT = 100;
export const NODE_COUNT = 500;
/** Distinct `app` label values; a selector on one matches 1/APP_COUNT of the pods. */
export const APP_COUNT = 50;

export function namespaceName(index: number): string {
  return `bench-${String(index).padStart(3, "0")}`;
}

export function nodeName(index: number): string {
  return `node-${String(index).padStart(4, "0")}`;
}

export function appName(index: number): string {
  return `app-${String(index % APP_COUNT).padStart(2, "0")}`;
}

/** Pod `index` lives in namespace `index % NAMESPACE_COUNT`. */
export function podPlacement(index: number): { namespace: string; name: string } {
  return { namespace: namespaceName(index % NAMESPACE_COUNT), name: `pod-${String(index).padStart(6, "0")}` };
}

export function namespaceObject(name: string): object {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "bench.krm.io/population": "1" } },
  };
}

export function nodeObject(index: number): object {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: nodeName(index),
      labels: {
        "kubernetes.io/hostname": nodeName(index),
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "topology.kubernetes.io/zone": `zone-${index % 3}`,
        "node.kubernetes.io/instance-type": "m6i.2xlarge",
      },
    },
    spec: {
      podCIDR: `10.${Math.floor(index / 256)}.${index % 256}.0/24`,
      providerID: `bench://${nodeName(index)}`,
    },
  };
}

function container(name: string, app: string, index: number, port: number, probes: boolean): object {
  return {
    name,
    image: `registry.example.com/team-${index % 7}/${app}-${name}:v1.${index % 13}.${index % 5}`,
    args: [`--port=${port}`, "--log-format=json"],
    ports: [{ name: name === "main" ? "http" : "metrics", containerPort: port, protocol: "TCP" }],
    env: [
      { name: "APP_NAME", value: app },
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    ],
    resources: {
      requests: { cpu: `${100 + (index % 4) * 50}m`, memory: `${128 * (1 + (index % 3))}Mi` },
      limits: { cpu: "1", memory: `${512 * (1 + (index % 3))}Mi` },
    },
    ...(probes ? { readinessProbe: { httpGet: { path: "/readyz", port }, periodSeconds: 10 } } : {}),
    volumeMounts: [{ name: "config", mountPath: "/etc/app", readOnly: true }],
  };
}

export interface PodOptions {
  readonly namespace: string;
  readonly name: string;
  readonly index: number;
  /** Bound to a node (population) or unbound (freshness writes, deleted at once). */
  readonly nodeName?: string;
}

export function podObject(options: PodOptions): object {
  const { index } = options;
  const app = appName(index);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: {
        app,
        tier: ["web", "api", "worker"][index % 3] ?? "web",
        "app.kubernetes.io/part-of": `system-${index % 10}`,
        "pod-template-hash": `h${(index * 2654435761) % 100000}`,
      },
      annotations: {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9090",
        "bench.krm.io/revision": String(index % 17),
      },
    },
    spec: {
      ...(options.nodeName === undefined ? {} : { nodeName: options.nodeName }),
      containers: [container("main", app, index, 8080, true), container("sidecar", app, index, 9090, false)],
      volumes: [{ name: "config", configMap: { name: `${app}-config` } }],
      terminationGracePeriodSeconds: 30,
      automountServiceAccountToken: false,
    },
  };
}

export function deploymentObject(namespace: string, index: number): object {
  const app = appName(index);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: `deploy-${String(index).padStart(5, "0")}`, namespace, labels: { app } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app, deploy: String(index) } },
      template: {
        metadata: { labels: { app, deploy: String(index) } },
        spec: {
          containers: [container("main", app, index, 8080, true)],
          volumes: [{ name: "config", configMap: { name: `${app}-config` } }],
        },
      },
    },
  };
}

export function serviceObject(namespace: string, index: number): object {
  const app = appName(index);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: `svc-${String(index).padStart(5, "0")}`, namespace, labels: { app } },
    // Headless: the test control plane's service IP range is small, and no IP is needed here.
    spec: {
      clusterIP: "None",
      selector: { app },
      ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
    },
  };
}
