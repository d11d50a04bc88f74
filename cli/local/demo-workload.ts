import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  NetworkingV1Api,
  type KubeConfig,
  type V1Pod,
} from "@kubernetes/client-node";
import type { Logger } from "../../core/logger.js";
import type { RunningPart } from "../../core/running-part.js";
import { demoNodes } from "./demo-node-pools.js";
import { DEMO_NAMESPACE, demoDeployments, demoJob, demoNamespaces, demoQuotas } from "./demo-workloads.js";

export { DEMO_NAMESPACE } from "./demo-workloads.js";

/** One write every tick: enough to see the stream move, small enough to be idle. */
const TICK_MS = 1000;
/** Pods kept alive at most; older ones are deleted so DELETED events show up too. */
const MAX_PODS = 12;
/** Every this many ticks the web frontend is scaled, so capacity figures move. */
const SCALE_EVERY_TICKS = 30;
const FRONTEND_REPLICAS = [4, 6, 3] as const;

/**
 * A live workload for `krm run` on the local lifelike cluster: three node pools of different
 * sizes (kwok makes them Ready), team namespaces with deployments that request and limit
 * resources (scheduled by kube-scheduler, Running by kwok), a Job that finishes, a quota per
 * team (filled in by kube-controller-manager), a service, a PVC and an ingress; then pods
 * created, relabelled and deleted in a loop, and the web frontend scaled now and then.
 */
export async function startDemoWorkload(kubeConfig: KubeConfig, logger: Logger): Promise<RunningPart> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  await createFixtures(kubeConfig, core, apps);
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
      // kwok removes a deleted pod at once, as a kubelet would after its containers stop.
      if (oldest !== undefined) await core.deleteNamespacedPod({ namespace: DEMO_NAMESPACE, name: oldest });
    }
    if (counter % SCALE_EVERY_TICKS === 0) {
      const replicas = FRONTEND_REPLICAS[(counter / SCALE_EVERY_TICKS) % FRONTEND_REPLICAS.length] ?? 4;
      await apps.patchNamespacedDeploymentScale({
        namespace: "web",
        name: "frontend",
        body: [{ op: "replace", path: "/spec/replicas", value: replicas }],
      });
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

async function createFixtures(kubeConfig: KubeConfig, core: CoreV1Api, apps: AppsV1Api): Promise<void> {
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const networking = kubeConfig.makeApiClient(NetworkingV1Api);
  const labels = { app: "demo" };
  for (const body of demoNodes()) await ignoreConflict(core.createNode({ body }));
  for (const body of demoNamespaces()) await ignoreConflict(core.createNamespace({ body }));
  // Quotas before the pods they count, so quota admission has their status from the start.
  for (const body of demoQuotas()) {
    await ignoreConflict(
      core.createNamespacedResourceQuota({ namespace: body.metadata?.namespace ?? "", body }),
    );
  }
  for (const body of demoDeployments()) {
    await ignoreConflict(
      apps.createNamespacedDeployment({ namespace: body.metadata?.namespace ?? "", body }),
    );
  }
  const job = demoJob();
  await ignoreConflict(batch.createNamespacedJob({ namespace: job.metadata?.namespace ?? "", body: job }));
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

/** A small bare pod; kube-scheduler places it on one of the pools. */
function demoPod(name: string, counter: number): V1Pod {
  return {
    metadata: { name, labels: { app: "demo-churn", tick: String(counter) } },
    spec: {
      containers: [
        {
          name: "app",
          image: "nginx:1.27",
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
        },
      ],
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
