import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ensureBinaries, goModulesDir, type ClusterBinaries } from "./build.js";
import { API_SERVER_READY_TIMEOUT_MS, type ControlPlane } from "./control-plane.js";
import { freePort } from "../free-port.js";
import { httpRequestText } from "../http-request.js";
import { kubeControllerManagerArgs, kubeSchedulerArgs, kwokArgs } from "./lifelike-component-args.js";
import { ManagedProcess } from "../managed-process.js";
import { waitUntil } from "../wait-until.js";

/** The kwok Stage file, beside the Go modules (found from source and from dist/). */
export function kwokStagesPath(): string {
  return resolve(goModulesDir(), "..", "kwok-stages.yaml");
}

export interface LifelikeComponentsOptions {
  /** Binaries to run; default built or taken from the cache by {@link ensureBinaries}. */
  readonly binaries?: ClusterBinaries;
  /** Where kube-scheduler.log, kube-controller-manager.log and kwok.log go; default a temp folder. */
  readonly logDir?: string;
  /** Aborting it while the components are starting stops them; the start rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** kube-scheduler, kube-controller-manager and kwok running against one control plane. */
export interface LifelikeComponents {
  /** Stops the three (kwok first, so no pod changes after the controllers are gone). Idempotent. */
  stop(): Promise<void>;
}

/** The parts of a control plane the components need. */
export type LifelikeControlPlane = Pick<
  ControlPlane,
  "kubeconfigPath" | "caPath" | "serviceAccountSigningKeyFile"
>;

/**
 * Starts the components that make a bare control plane behave like a cluster: the scheduler
 * binds pods, the controller manager runs workloads, quotas and namespaces, kwok plays the
 * kubelets (nodes Ready with the allocatable they were created with, pods Running, Job pods
 * Succeeded). Resolves once each one's health endpoint says ok.
 */
export async function startLifelikeComponents(
  controlPlane: LifelikeControlPlane,
  options: LifelikeComponentsOptions = {},
): Promise<LifelikeComponents> {
  const binaries = options.binaries ?? (await ensureBinaries());
  const dir = await mkdtemp(join(tmpdir(), "krm-lifelike-"));
  const logDir = options.logDir ?? join(dir, "logs");
  await mkdir(logDir, { recursive: true });
  const started: ManagedProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const child of [...started].reverse()) await child.stop();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const kubeconfigPath = controlPlane.kubeconfigPath;
    const schedulerPort = await freePort();
    const scheduler = ManagedProcess.start({
      command: binaries.kubeScheduler,
      args: kubeSchedulerArgs({ kubeconfigPath, port: schedulerPort, certDir: join(dir, "scheduler") }),
      logPath: join(logDir, "kube-scheduler.log"),
    });
    started.push(scheduler);
    const controllerManagerPort = await freePort();
    const controllerManager = ManagedProcess.start({
      command: binaries.kubeControllerManager,
      args: kubeControllerManagerArgs({
        kubeconfigPath,
        port: controllerManagerPort,
        certDir: join(dir, "controller-manager"),
        serviceAccountSigningKeyFile: controlPlane.serviceAccountSigningKeyFile,
        rootCaFile: controlPlane.caPath,
      }),
      logPath: join(logDir, "kube-controller-manager.log"),
    });
    started.push(controllerManager);
    const kwokPort = await freePort();
    const kwok = ManagedProcess.start({
      command: binaries.kwok,
      args: kwokArgs({ kubeconfigPath, port: kwokPort, stagesPath: kwokStagesPath() }),
      logPath: join(logDir, "kwok.log"),
      // kwok would also read ~/.kwok/kwok.yaml; a private HOME keeps the user's config out.
      env: { ...process.env, HOME: dir },
    });
    started.push(kwok);
    await Promise.all([
      waitHealthy(scheduler, "kube-scheduler", `https://127.0.0.1:${schedulerPort}/healthz`, options.signal),
      waitHealthy(
        controllerManager,
        "kube-controller-manager",
        `https://127.0.0.1:${controllerManagerPort}/healthz`,
        options.signal,
      ),
      waitHealthy(kwok, "kwok", `http://127.0.0.1:${kwokPort}/healthz`, options.signal),
    ]);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { stop };
}

/** /healthz answers "ok" (served without credentials: it is in the components' always-allowed paths). */
async function waitHealthy(
  child: ManagedProcess,
  name: string,
  url: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await waitUntil(
    async () => {
      const response = await httpRequestText(url, { insecureSkipVerify: true });
      return response.status === 200 && response.body.trim() === "ok" ? true : undefined;
    },
    {
      what: `${name} at ${url} to be healthy`,
      timeoutMs: API_SERVER_READY_TIMEOUT_MS,
      intervalMs: 250,
      abortReason: () => child.exited,
      describeFailure: () => child.logTail(),
      signal,
    },
  );
}
