/**
 * What every part's `start…` function returns. `stop` ends the part gracefully: it stops
 * taking new work, finishes or abandons in-flight work without leaving Redis half-written,
 * closes connections it opened, and resolves once done. Calling it twice is harmless.
 */
export interface RunningPart {
  readonly name: string;
  stop(): Promise<void>;
  /**
   * Optional: resolves when what the part depends on answers now (Redis, the API server),
   * rejects with the reason otherwise. `/readyz` (cli/health-server.ts) asks it on every probe.
   */
  checkReady?(): Promise<void>;
}
