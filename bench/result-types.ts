import type { MachineInfo } from "./machine.js";
import type { CostResult } from "./phases/cost-phase.js";
import type { FreshnessRun } from "./phases/freshness-phase.js";
import type { WindowMeasurement } from "./phases/measure-window.js";
import type { ReadPhaseResult } from "./phases/read-phase.js";
import type { PopulateResult } from "./populate.js";

/** Everything measured at one population; phases are absent when not run or failed. */
export interface SizeResult {
  readonly pods: number;
  readonly population: PopulateResult;
  /** Bytes of one population pod's JSON as the API server returns it. */
  readonly podJsonBytes: number;
  /** From starting krm's processes to /readyz answering 200; null if it never did. */
  readonly krmReadyMs: number | null;
  /** From starting krm's processes to krm serving every pod; null if it never did (see `error`). */
  readonly krmCaughtUpMs: number | null;
  cost?: CostResult;
  read?: ReadPhaseResult;
  freshness?: WindowMeasurement<FreshnessRun>[];
  error?: string;
}

/** The raw JSON written to bench/results/. */
export interface BenchResults {
  readonly benchmark: string;
  readonly command: string;
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly options: Record<string, unknown>;
  kubeApiServerPid: number | undefined;
  readonly sizes: SizeResult[];
  finishedAt: string;
}
