/**
 * The Node process's own metrics (prom-client's default metrics: V8 heap, RSS, CPU, event-loop
 * lag, GC durations, handles), in one registry per process: they describe the process, not
 * one API server, and prom-client starts an event-loop delay monitor and a GC observer per
 * registration that it never stops, so collecting once keeps several `ApiMetrics` in one
 * process (tests) from adding a monitor each.
 */
import { collectDefaultMetrics, Registry } from "prom-client";

let registry: Registry | undefined;

/** The process registry, collecting from the first call on. */
export function processMetrics(): Registry {
  if (registry === undefined) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
