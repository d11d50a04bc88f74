import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../free-port.js";
import { httpRequestText } from "../http-request.js";
import { ManagedProcess } from "../managed-process.js";
import { waitUntil } from "../wait-until.js";

/**
 * How often etcd tells idle watchers (the API server's watch caches) its current revision.
 * etcd's default is 10 minutes; on a quiet test cluster that leaves a watch cache's
 * resourceVersion behind, and the API server only sends a BOOKMARK whose resourceVersion is
 * newer than the watch's start, so bookmarks would rarely come. Busy real clusters move on
 * by their own writes.
 */
export const ETCD_PROGRESS_NOTIFY_INTERVAL = "5s";

/** etcd answers /health within a second or two of starting on a fresh data dir. */
export const ETCD_READY_TIMEOUT_MS = 30_000;

export interface EtcdServerOptions {
  readonly binary: string;
  readonly logDir: string;
  /** Aborting it while etcd is starting stops etcd; the start rejects with the reason. */
  readonly signal?: AbortSignal;
}

export interface EtcdServer {
  /** http://127.0.0.1:<port>, for --etcd-servers. */
  readonly clientUrl: string;
  /** Compacts to the current revision and returns it; older revisions are gone afterwards. */
  compact(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * A single-member etcd on free loopback ports. Its data lives in memory (/dev/shm) when the
 * machine has it, and fsync is off: test data need not survive a power cut, and tests run faster.
 */
export async function startEtcd(options: EtcdServerOptions): Promise<EtcdServer> {
  const dataRoot = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const dataDir = await mkdtemp(join(dataRoot, "krm-etcd-"));
  const clientPort = await freePort();
  const peerPort = await freePort();
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const server = ManagedProcess.start({
    command: options.binary,
    args: [
      "--name=krm",
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=krm=${peerUrl}`,
      "--initial-cluster-state=new",
      "--unsafe-no-fsync",
      `--watch-progress-notify-interval=${ETCD_PROGRESS_NOTIFY_INTERVAL}`,
      "--log-level=warn",
    ],
    logPath: join(options.logDir, "etcd.log"),
  });
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        const response = await httpRequestText(`${clientUrl}/health`);
        return response.status === 200 && response.body.includes('"true"') ? true : undefined;
      },
      {
        what: "etcd /health",
        timeoutMs: ETCD_READY_TIMEOUT_MS,
        abortReason: () => server.exited,
        describeFailure: () => server.logTail(),
        signal: options.signal,
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { clientUrl, compact: () => compactToCurrentRevision(clientUrl), stop };
}

/** Uses etcd's JSON gateway (/v3/...), so no etcdctl is needed; int64s travel as strings there. */
async function compactToCurrentRevision(clientUrl: string): Promise<number> {
  const range = await httpRequestText(`${clientUrl}/v3/kv/range`, {
    method: "POST",
    json: { key: Buffer.from("/").toString("base64"), limit: 1 },
  });
  if (range.status !== 200) throw new Error(`etcd range failed: ${range.status} ${range.body}`);
  const revision = Number((JSON.parse(range.body) as { header?: { revision?: string } }).header?.revision);
  if (!Number.isSafeInteger(revision) || revision <= 0)
    throw new Error(`etcd returned no revision: ${range.body}`);
  const compaction = await httpRequestText(`${clientUrl}/v3/kv/compaction`, {
    method: "POST",
    json: { revision: String(revision), physical: true },
  });
  if (compaction.status !== 200)
    throw new Error(`etcd compaction failed: ${compaction.status} ${compaction.body}`);
  return revision;
}
