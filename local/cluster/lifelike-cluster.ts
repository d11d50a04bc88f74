import { ensureBinaries } from "./build.js";
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from "./control-plane.js";
import { startLifelikeComponents } from "./lifelike-components.js";

/**
 * A control plane that behaves like a cluster: etcd + kube-apiserver plus kube-scheduler,
 * kube-controller-manager and kwok (see lifelike-components.ts). Create nodes with
 * {@link lifelikeNode} (lifelike-node.ts) and they become Ready with the allocatable given;
 * deployments get pods that are scheduled and Running; Jobs finish; quotas get status.used.
 * The integration tests' shared control plane (test/support/global-setup.ts) is NOT lifelike:
 * tests that need scheduling start their own with this. `stop` stops everything.
 */
export async function startLifelikeCluster(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = options.binaries ?? (await ensureBinaries());
  const controlPlane = await startControlPlane({ ...options, binaries });
  try {
    const components = await startLifelikeComponents(controlPlane, {
      binaries,
      signal: options.signal,
      ...(options.logDir === undefined ? {} : { logDir: options.logDir }),
    });
    return {
      ...controlPlane,
      stop: async () => {
        await components.stop();
        await controlPlane.stop();
      },
    };
  } catch (error) {
    await controlPlane.stop().catch(() => undefined);
    throw error;
  }
}
