/**
 * Where the streamer and verifier loops tell `krm run` how their requests to the API server
 * go, so a cause shared by every kind is reported once (cli/run/problem-reporter.ts).
 */
export interface ProblemSink {
  /**
   * A request for `kind` failed. Returns true when the failure was reported as a cluster
   * problem: the loop then logs it at debug level only, instead of once per kind per retry.
   */
  failed(kind: string, error: unknown): boolean;
  /** A request for `kind` succeeded: its problems are over. */
  succeeded(kind: string): void;
}
