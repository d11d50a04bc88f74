import { AppsV1Api, CoreV1Api, NetworkingV1Api, type KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";

/** Namespace the demo workload lives in. */
export const DEMO_NAMESPACE = "krm-demo";
/** One write every tick: enough to see the stream move, small enough to be idle. */
const TICK_MS = 1000;
/** Pods kept alive at most; older ones are deleted so DELETED events show up too. */
const MAX_PODS = 12;
const NODE_NAMES = ["demo-node-1", "demo-node-2", "demo-node-3"];

/**
 * A small live workload for `krm run` on the local cluster: a few nodes, a deployment, a
 * service, a PVC and an ingress once, then pods created, relabelled and deleted in a loop.
 * There is no kubelet or controller manager locally, so objects are only records.
 */
export async function startDemoWorkload(kubeConfig: KubeConfig, logger: Logger): Promise<RunningPart> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await createFixtures(kubeConfig, core);
  const live: string[] = [];
  let counter = 0;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();

  const tick = async (): Promise<void> => {
    counter += 1;
    const name = `demo-${Date.now().toString(36)}-${counter}`;
    await core.createNamespacedPod({ namespace: DEMO_NAMESPACE, body: demoPod(name, counter) });
    live.push(name);
    const relabel = live[Math.floor(Math.random() * live.length)];
    if (relabel !== undefined && relabel !== name) {
      await core.patchNamespacedPod({
        namespace: DEMO_NAMESPACE,
        name: relabel,
        body: [{ op: "replace", path: "/metadata/labels/tick", value: String(counter) }],
      });
    }
    if (live.length > MAX_PODS) {
      const oldest = live.shift();
      // No kubelet confirms a graceful deletion here, so delete at once.
      if (oldest !== undefined)
        await core.deleteNamespacedPod({ namespace: DEMO_NAMESPACE, name: oldest, gracePeriodSeconds: 0 });
    }
  };

  const timer = setInterval(() => {
    if (stopped) return;
    inFlight = tick().catch((error: unknown) => {
      logger.warn({ err: error }, "demo workload write failed; continuing");
    });
  }, TICK_MS);

  return {
    name: "demo-workload",
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}

async function createFixtures(kubeConfig: KubeConfig, core: CoreV1Api): Promise<void> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const labels = { app: "demo" };
  await ignoreConflict(core.createNamespace({ body: { metadata: { name: DEMO_NAMESPACE } } }));
  for (const name of NODE_NAMES) {
    await ignoreConflict(
      core.createNode({ body: { metadata: { name, labels: { "krm.dev/demo": "true" } } } }),
    );
  }
  await ignoreConflict(
    apps.createNamespacedDeployment({
      namespace: DEMO_NAMESPACE,
      body: {
        metadata: { name: "demo", labels },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "nginx:1.27" }] } },
        },
      },
    }),
  );
  await ignoreConflict(
    core.createNamespacedService({
      namespace: DEMO_NAMESPACE,
      body: { metadata: { name: "demo", labels }, spec: { selector: labels, ports: [{ port: 80 }] } },
    }),
  );
  await ignoreConflict(
    core.createNamespacedPersistentVolumeClaim({
      namespace: DEMO_NAMESPACE,
      body: {
        metadata: { name: "demo-data", labels },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
      },
    }),
  );
  await ignoreConflict(
    networking.createNamespacedIngress({
      namespace: DEMO_NAMESPACE,
      body: {
        metadata: { name: "demo", labels },
        spec: { defaultBackend: { service: { name: "demo", port: { number: 80 } } } },
      },
    }),
  );
}

function demoPod(
  name: string,
  counter: number,
): {
  metadata: { name: string; labels: Record<string, string> };
  spec: { nodeName: string; containers: { name: string; image: string }[] };
} {
  return {
    metadata: { name, labels: { app: "demo", tick: String(counter) } },
    spec: {
      nodeName: NODE_NAMES[counter % NODE_NAMES.length] ?? "demo-node-1",
      containers: [{ name: "app", image: "nginx:1.27" }],
    },
  };
}

async function ignoreConflict(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === 409) return;
    throw error;
  }
}
