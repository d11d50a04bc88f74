import type { BusyProcess } from "./busiest-processes.js";
import type { WriterResult } from "./freshness/writer.js";
import type { MachineInfo } from "./machine.js";
import type { CostResult } from "./phases/cost-phase.js";
import type { CycleWindow } from "./phases/cycle-windows.js";
import type { FreshnessRun } from "./phases/freshness-phase.js";
import type { WindowMeasurement } from "./phases/measure-window.js";
import type { ApiMemory } from "./phases/memory-figures.js";
import type { ReadCell } from "./phases/read-phase.js";
import type { VerifyCycleResult } from "./phases/verify-cycle-phase.js";
import type { PopulateResult } from "./populate.js";
import type { EqualityResult } from "./verify/equality-check.js";

/** Everything measured at one population; cells are absent when not run or failed. */
export interface SizeResult {
  readonly pods: number;
  readonly population: PopulateResult;
  /** Bytes of one population pod's JSON as the API server returns it. */
  readonly podJsonBytes: number;
  /** From starting krm's processes to /readyz answering 200; null if it never did. */
  readonly krmReadyMs: number | null;
  /** From starting krm's processes to krm serving every pod; null if it never did (see `error`). */
  readonly krmCaughtUpMs: number | null;
  /** 1/5/15-minute load averages when krm had caught up, and when this size was done. */
  readonly loadAverageBefore: readonly number[];
  loadAverageAfter?: readonly number[];
  /** Read cells: live (headline) and frozen; krm's per auth mode, the API server's once (auth null). */
  reads?: ReadCell[];
  /** What the live writer did, once per live window (headline cells, verify-cycle cell). */
  liveWrites?: WriterResult[];
  /** krm's answers compared with the API server's at the same resourceVersion. */
  equality?: EqualityResult;
  memory?: ApiMemory;
  freshness?: WindowMeasurement<FreshnessRun>[];
  /** Verification cycles of pods that ran during the freshness runs. */
  freshnessCycles?: CycleWindow[];
  verifyCycle?: VerifyCycleResult;
  cost?: CostResult;
  error?: string;
}

/** One repetition of the whole run: its own control plane, population and krm. */
export interface RepetitionResult {
  readonly index: number;
  readonly startedAt: string;
  finishedAt: string;
  /** kube-apiserver's /version gitVersion. */
  kubeVersion: string;
  readonly loadAverageAtStart: readonly number[];
  /** CPU of the busiest processes over a short window as the repetition began (bench/busiest-processes.ts). */
  readonly busiestAtStart?: readonly BusyProcess[];
  /** `ps`'s lifetime CPU averages, in results written before `busiestAtStart`. */
  readonly topProcessesAtStart?: readonly string[];
  kubeApiServerPid: number | undefined;
  readonly sizes: SizeResult[];
}

/** The raw JSON written to bench/results/. */
export interface BenchResults {
  readonly benchmark: string;
  readonly command: string;
  readonly startedAt: string;
  readonly machine: MachineInfo;
  readonly options: Record<string, unknown>;
  readonly repetitions: RepetitionResult[];
  /** True once any krm answer differed from the API server's: the run then exits non-zero. */
  equalityFailed: boolean;
  finishedAt: string;
}
