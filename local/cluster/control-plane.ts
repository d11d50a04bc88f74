import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { ensureBinaries, type ClusterBinaries } from "./build.js";
import { startEtcd } from "./etcd-server.js";
import { freePort } from "../free-port.js";
import { httpRequestText } from "../http-request.js";
import { kubeApiServerArgs } from "./kube-apiserver-args.js";
import { writeKubeconfig } from "./kubeconfig-file.js";
import { ManagedProcess } from "../managed-process.js";
import { waitUntil } from "../wait-until.js";

/**
 * kube-apiserver becomes ready in ~10-20 s on two cores (RBAC bootstrap, watch caches); the
 * deadline leaves room for a loaded CI machine.
 */
export const API_SERVER_READY_TIMEOUT_MS = 120_000;

/** The user in the token file; member of system:masters, so RBAC allows it everything. */
export const ADMIN_USER = "krm-admin";

export interface ControlPlaneOptions {
  /** Working folder (certs, keys, kubeconfigs, logs); default a new temp folder, removed by stop. */
  readonly dir?: string;
  /** Where etcd.log and kube-apiserver.log go; default `<dir>/logs`. Kept after stop when given. */
  readonly logDir?: string;
  /** Binaries to run; default built or taken from the cache by {@link ensureBinaries}. */
  readonly binaries?: ClusterBinaries;
  /**
   * Resources served straight from etcd instead of the watch cache ("configmaps",
   * "deployments.apps"). With the watch cache, a watch from an old resourceVersion is answered
   * from the cache's event window (≥ 75 s of history), so etcd compaction alone does not make
   * it fail; for a resource listed here it does (410 Gone), as on clusters with the cache off.
   * Streaming lists (sendInitialEvents) need the cache and do not work for these resources.
   */
  readonly watchCacheDisabledFor?: readonly string[];
  /** Aborting it while the servers are starting stops them; the start rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** A running etcd + kube-apiserver pair on loopback. See docs/testing.md. */
export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Admin kubeconfig: token auth, CA embedded. */
  readonly kubeconfigPath: string;
  readonly adminToken: string;
  /** PEM file to trust for {@link url}; stable across {@link restartApiServer}. */
  readonly caPath: string;
  /** Private key the service-account issuer signs with (kube-controller-manager's token controller needs it). */
  readonly serviceAccountSigningKeyFile: string;
  /** A fresh @kubernetes/client-node config for the admin. */
  kubeConfig(): KubeConfig;
  /** Writes and returns a kubeconfig for another server URL (a fault proxy in front), same CA and token. */
  kubeconfigFor(server: string): string;
  /**
   * Stops kube-apiserver (SIGTERM, or SIGKILL when `crash`) and starts it again on the same
   * port with the same etcd; resolves once /readyz is ok again. Its watch cache restarts, so a
   * watch from a resourceVersion older than the restart gets 410 Gone.
   */
  restartApiServer(options?: { crash?: boolean }): Promise<void>;
  /** Compacts etcd to its current revision and returns it: lists/watches at older revisions then get 410. */
  compactEtcd(): Promise<number>;
  /** Stops both servers and removes the temp folders this call created. Calling it twice is harmless. */
  stop(): Promise<void>;
}

/** Starts etcd and kube-apiserver on free loopback ports and waits until the API server is ready. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = options.binaries ?? (await ensureBinaries());
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "krm-control-plane-")));
  const logDir = options.logDir ?? join(dir, "logs");
  const certDir = join(dir, "certs");
  await mkdir(logDir, { recursive: true });
  await mkdir(certDir, { recursive: true });

  const adminToken = randomBytes(24).toString("hex");
  const tokenAuthFile = join(dir, "tokens.csv");
  await writeFile(tokenAuthFile, `${adminToken},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, {
    mode: 0o600,
  });
  const serviceAccountKeys = await writeServiceAccountKeys(dir);

  const etcd = await startEtcd({ binary: binaries.etcd, logDir, signal: options.signal });
  const host = "127.0.0.1";
  let port = 0;
  let apiServer: ManagedProcess | undefined;
  let stopped = false;

  const startApiServer = async (): Promise<void> => {
    apiServer = ManagedProcess.start({
      command: binaries.kubeApiServer,
      args: kubeApiServerArgs({
        port,
        etcdUrl: etcd.clientUrl,
        certDir,
        tokenAuthFile,
        serviceAccountPublicKeyFile: serviceAccountKeys.publicKeyFile,
        serviceAccountSigningKeyFile: serviceAccountKeys.privateKeyFile,
        watchCacheDisabledFor: options.watchCacheDisabledFor ?? [],
      }),
      logPath: join(logDir, "kube-apiserver.log"),
    });
    await waitForApiServer(apiServer, `https://${host}:${port}`, certDir, adminToken, options.signal);
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await apiServer?.stop();
    await etcd.stop();
    if (ownsDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    port = await freePort();
    await startApiServer();
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  const url = `https://${host}:${port}`;
  const caPath = join(certDir, "apiserver.crt");
  const caPem = await readFile(caPath, "utf8");
  const kubeconfigPath = writeKubeconfig(join(dir, "kubeconfig"), { server: url, caPem, token: adminToken });
  let proxyKubeconfigs = 0;

  return {
    url,
    host,
    port,
    kubeconfigPath,
    adminToken,
    caPath,
    serviceAccountSigningKeyFile: serviceAccountKeys.privateKeyFile,
    kubeConfig: () => {
      const config = new KubeConfig();
      config.loadFromFile(kubeconfigPath);
      return config;
    },
    kubeconfigFor: (server) => {
      proxyKubeconfigs += 1;
      return writeKubeconfig(join(dir, `kubeconfig-${proxyKubeconfigs}`), {
        server,
        caPem,
        token: adminToken,
      });
    },
    restartApiServer: async (restartOptions) => {
      if (restartOptions?.crash === true) await apiServer?.kill();
      else await apiServer?.stop();
      await startApiServer();
    },
    compactEtcd: () => etcd.compact(),
    stop,
  };
}

/** RSA key pair for signing and checking service-account tokens (TokenRequest). */
async function writeServiceAccountKeys(
  dir: string,
): Promise<{ publicKeyFile: string; privateKeyFile: string }> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const publicKeyFile = join(dir, "sa.pub");
  const privateKeyFile = join(dir, "sa.key");
  await writeFile(publicKeyFile, publicKey);
  await writeFile(privateKeyFile, privateKey, { mode: 0o600 });
  return { publicKeyFile, privateKeyFile };
}

/**
 * Ready means /readyz says ok (RBAC roles bootstrapped, watch caches initialized) and the
 * "default" namespace exists: it is created by a controller that /readyz does not wait for,
 * and tests create objects in it.
 */
async function waitForApiServer(
  server: ManagedProcess,
  url: string,
  certDir: string,
  token: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const caPath = join(certDir, "apiserver.crt");
  await waitUntil(
    async () => {
      const ca = await readFile(caPath, "utf8");
      const readyz = await httpRequestText(`${url}/readyz`, { ca, bearerToken: token });
      if (readyz.status !== 200 || readyz.body.trim() !== "ok") return undefined;
      const defaultNamespace = await httpRequestText(`${url}/api/v1/namespaces/default`, {
        ca,
        bearerToken: token,
      });
      return defaultNamespace.status === 200 ? true : undefined;
    },
    {
      what: `kube-apiserver at ${url} to be ready`,
      timeoutMs: API_SERVER_READY_TIMEOUT_MS,
      intervalMs: 250,
      abortReason: () => server.exited,
      describeFailure: () => server.logTail(),
      signal,
    },
  );
}
