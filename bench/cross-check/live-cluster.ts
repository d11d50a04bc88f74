import { join } from "node:path";
import { startControlPlane } from "../../local/cluster/control-plane.js";
import { startRedis } from "../../local/redis-server.js";
import { createReaderIdentity } from "../auth/reader-identity.js";
import type { WriterResult } from "../freshness/writer.js";
import { closeTarget, getJson, kubeTarget, withBearer, type HttpTarget } from "../http-target.js";
import { KRM_SERVE_ARGS, startKrm, waitForCount } from "../krm-processes.js";
import { startLiveWriter } from "../live/live-writer.js";
import { populate, populationFor, type PopulateResult } from "../populate.js";

/** krm's verifier interval in the bench's headline runs (bench/options.ts). */
const VERIFY_INTERVAL = "30s";

export interface LiveClusterOptions {
  readonly pods: number;
  readonly writeRate: number;
  /** Logs of every server and the writer. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

/** What the attacks read, both sides reached as the bench's reader ServiceAccount. */
export interface LiveCluster {
  /** krm's API (`--auth kubernetes`) with the reader's token for krm's audience. */
  readonly krm: HttpTarget;
  /** kube-apiserver with the reader's token for its own audience. */
  readonly apiServer: HttpTarget;
  readonly kubeVersion: string;
  readonly population: PopulateResult;
  /** From krm's start until it served every pod. */
  readonly krmCaughtUpMs: number;
}

export interface LiveClusterRun<T> {
  readonly result: T;
  /** The writer's own account of the writes made while `work` ran. */
  readonly writes: WriterResult;
}

/**
 * Brings up what the bench's headline cells run on, with the bench's own code: a control plane,
 * Redis, the population, the reader identity, krm split into one process per part and kind with
 * an API replica under `--auth kubernetes`, and the live writer at `writeRate`; runs `work`
 * while the writer writes, then stops everything it started, in reverse, whether `work` failed or
 * not. No measurement is made here.
 */
export async function withLiveCluster<T>(
  options: LiveClusterOptions,
  work: (cluster: LiveCluster) => Promise<T>,
): Promise<LiveClusterRun<T>> {
  const { log } = options;
  const controlPlane = await startControlPlane({ logDir: join(options.workDir, "logs") });
  try {
    const redis = await startRedis();
    const admin = kubeTarget("kube-apiserver", controlPlane.kubeConfig());
    try {
      const kubeVersion = (await getJson<{ gitVersion?: string }>(admin, "/version")).gitVersion ?? "unknown";
      log(`populating ${options.pods} pods`);
      const population = await populate(admin, undefined, populationFor(options.pods));
      log(`  populated in ${population.durationMs} ms`);
      const tokens = await createReaderIdentity(admin);
      const started = performance.now();
      const krm = await startKrm({
        mode: "split",
        kubeconfigPath: controlPlane.kubeconfigPath,
        redisUrl: redis.url,
        verifyInterval: VERIFY_INTERVAL,
        logDir: options.workDir,
        logLevel: "warn",
        auths: ["kubernetes"],
        serveArgs: KRM_SERVE_ARGS,
      });
      const krmReader = withBearer(krm.api, "krm", tokens.krm);
      try {
        await waitForCount(krmReader, "/api/v1/pods", options.pods);
        const krmCaughtUpMs = Math.round(performance.now() - started);
        log(`  krm serves all ${options.pods} pods after ${krmCaughtUpMs} ms`);
        const writer = startLiveWriter({
          kubeconfigPath: controlPlane.kubeconfigPath,
          writesPerSecond: options.writeRate,
          pods: options.pods,
          workDir: options.workDir,
          name: "live-writer",
        });
        let result: T;
        try {
          result = await work({
            krm: krmReader,
            apiServer: withBearer(admin, "kube-apiserver", tokens.apiServer),
            kubeVersion,
            population,
            krmCaughtUpMs,
          });
        } catch (error) {
          await writer.stop().catch(() => undefined);
          throw error;
        }
        const writes = await writer.stop();
        log(
          `  live writer: ${writes.achievedPerSecond}/s of ${writes.targetPerSecond}/s (${writes.failed} failed, ${writes.skipped} skipped)`,
        );
        return { result, writes };
      } finally {
        closeTarget(krm.api);
        await krm.stop();
      }
    } finally {
      closeTarget(admin);
      await redis.stop();
    }
  } finally {
    await controlPlane.stop();
  }
}
