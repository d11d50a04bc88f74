// `npm run bench:cross-check`: BENCHMARKS.md's headline read ratios measured again by a client
// that is not the bench's. The setup is the bench's own (control plane, population, reader
// identity, split krm under --auth kubernetes, the live writer); the load and the timing are
// vegeta's: constant-rate attacks on krm and on the API server (rv=0 and consistent), both with
// the reader's bearer token, and vegeta's JSON report. Writes
// bench/results/<start time>-<commit>-cross-check.json. See BENCHMARKS.md, "Cross-check".
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WriterResult } from "../freshness/writer.js";
import { loadAverages } from "../machine.js";
import { runFacts, saveResult } from "../recorded-run.js";
import { AttackFailedError, runAttackRounds, type AttackRecord } from "./attack-rounds.js";
import {
  CROSS_CHECK_USAGE,
  CrossCheckUsageError,
  parseCrossCheckOptions,
  type CrossCheckOptions,
} from "./cross-check-options.js";
import { withLiveCluster, type LiveCluster } from "./live-cluster.js";
import { speedupsByRead } from "./speedup.js";
import { VEGETA_MODULE, VEGETA_VERSION, ensureVegeta } from "./vegeta-binary.js";

const log = (line: string): void => {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
};

/** Returns whether every attack succeeded. */
async function main(options: CrossCheckOptions): Promise<boolean> {
  const facts = await runFacts(`npm run bench:cross-check -- ${process.argv.slice(2).join(" ")}`.trim());
  if (facts.dirty && !options.allowDirty) {
    throw new CrossCheckUsageError(
      "the working tree has uncommitted changes: commit them (figures must name a commit) or pass --allow-dirty (the JSON then says dirty)",
    );
  }
  log(
    `commit ${facts.commitFull}${facts.dirty ? " (dirty)" : ""}, ${facts.cpus} CPUs, load ${facts.loadAverageAtStart.join(" ")}`,
  );
  const vegeta = await ensureVegeta(log);
  const workDir = await mkdtemp(join(tmpdir(), "krm-cross-check-"));
  log(`logs and vegeta results in ${workDir}`);
  // A stop signal ends the attacks; the servers then stop as after a failure, and what was
  // measured is saved.
  const stopping = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      stopping.abort(signal);
    });
  }
  const attacks: AttackRecord[] = [];
  let setup: Omit<LiveCluster, "krm" | "apiServer"> | undefined;
  let writes: WriterResult | null = null;
  let failure: string | undefined;
  try {
    const run = await withLiveCluster(
      { pods: options.pods, writeRate: options.writeRate, workDir, log },
      async (live) => {
        setup = {
          kubeVersion: live.kubeVersion,
          population: live.population,
          krmCaughtUpMs: live.krmCaughtUpMs,
        };
        await runAttackRounds({
          vegeta,
          cluster: live,
          options,
          workDir,
          onAttack: (record) => attacks.push(record),
          signal: stopping.signal,
          log,
        });
      },
    );
    writes = run.writes;
  } catch (error) {
    // Saved with the attacks made so far; the servers are stopped by now.
    failure = stopping.signal.aborted
      ? `stopped by a signal: ${String(stopping.signal.reason)}`
      : error instanceof AttackFailedError || !(error instanceof Error)
        ? String(error instanceof Error ? error.message : error)
        : (error.stack ?? error.message);
  } finally {
    const speedups = speedupsByRead(attacks, options.reads);
    const path = await saveResult(facts, "cross-check", {
      benchmark:
        "cross-check of BENCHMARKS.md's headline ratios: vegeta against krm (--auth kubernetes) and kube-apiserver, live writes (issue 13)",
      facts,
      vegeta: { module: VEGETA_MODULE, version: VEGETA_VERSION, path: vegeta },
      options,
      setup: { krmMode: "split", krmAuth: "kubernetes", ...setup },
      speedups,
      attacks,
      writes,
      loadAverageAtEnd: loadAverages(),
      ...(failure === undefined ? {} : { failure }),
      finishedAt: new Date().toISOString(),
    });
    for (const [kind, summary] of Object.entries(speedups)) {
      const { median, min, max, n } = summary.ratio;
      const rounds = summary.rounds.map((r) => `${r.ratio}x vs ${r.fasterApiServer}`).join(", ");
      log(`${kind}: krm p50 ${median}x faster (${min}–${max}, ${n} rounds: ${rounds})`);
    }
    log(`results: ${path}`);
  }
  if (failure !== undefined) log(`FAILED: ${failure}`);
  return failure === undefined;
}

if (process.argv.includes("--help")) {
  process.stdout.write(`${CROSS_CHECK_USAGE}\n`);
  process.exit(0);
}
try {
  const passed = await main(parseCrossCheckOptions(process.argv.slice(2)));
  process.exit(passed ? 0 : 1);
} catch (error) {
  if (error instanceof CrossCheckUsageError) {
    process.stderr.write(`${error.message}\n${CROSS_CHECK_USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
