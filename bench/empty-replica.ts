import { join } from "node:path";
import { freePort } from "../local/free-port.js";
import { waitUntil } from "../local/wait-until.js";
import { apiArgs, startKrmProcess } from "./krm-processes.js";
import type { AuthMode } from "./phases/read-phase.js";
import { memoryStatus } from "./process-stats.js";

/** Redis key prefix under which nothing is stored, so the replica caches no object. */
const EMPTY_PREFIX = "krm-bench-empty";
/** RSS samples, one a second, after the replica answers /healthz; the last one is kept. */
const SAMPLES = 3;

/**
 * RSS of a `krm api` started like the measured replica (same kinds, auth mode and flags) on a
 * key prefix that holds nothing: what the process costs before it caches anything (Node, the
 * modules it loads, its connections). The memory cell subtracts it to show what caching costs
 * per byte of JSON. Null when it did not start.
 */
export async function emptyReplicaRss(options: {
  readonly redisUrl: string;
  readonly auth: AuthMode;
  readonly kubeconfigPath: string;
  readonly serveArgs: readonly string[];
  readonly logDir: string;
}): Promise<number | null> {
  const port = await freePort();
  const child = startKrmProcess(
    apiArgs({ ...options, port, logLevel: "warn", keyPrefix: EMPTY_PREFIX }),
    join(options.logDir, "krm-api-empty.log"),
  );
  try {
    await waitUntil(
      async () => ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200 ? true : undefined),
      { what: "empty krm API replica /healthz", timeoutMs: 60_000, intervalMs: 250 },
    );
    let rss: number | null = null;
    for (let i = 0; i < SAMPLES; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rss = (await memoryStatus(child.pid))?.rssBytes ?? null;
    }
    return rss;
  } catch {
    return null;
  } finally {
    await child.stop();
  }
}
