import { describe, expect, it } from "vitest";
import { createLogger } from "../core/logger.js";
import type { RunningPart } from "../core/running-part.js";
import { StartedParts } from "./started-parts.js";

const logger = createLogger("test", "silent");

/** A part that records its stop in `stops`; `failing` rejects its stop. */
function part(name: string, stops: string[], failing = false): RunningPart {
  return {
    name,
    stop: () => {
      stops.push(name);
      return failing ? Promise.reject(new Error(`${name} would not stop`)) : Promise.resolve();
    },
  };
}

describe("StartedParts", () => {
  it("lists parts in start order and stops them newest first, past a failing stop", async () => {
    const stops: string[] = [];
    const started = new StartedParts(new AbortController().signal);
    started.add(part("redis", stops));
    started.add(part("streamer", stops, true), part("api", stops));
    expect(started.list().map((p) => p.name)).toEqual(["redis", "streamer", "api"]);
    await started.stopAll(logger);
    expect(stops).toEqual(["api", "streamer", "redis"]);
  });

  it("registers a part that finished starting after the stop signal, then throws the signal's reason", async () => {
    const stops: string[] = [];
    const stop = new AbortController();
    const started = new StartedParts(stop.signal);
    started.add(part("redis", stops));
    const reason = new Error("SIGINT received while starting");
    stop.abort(reason);
    expect(() => started.add(part("streamer", stops))).toThrow(reason);
    await started.stopAll(logger);
    expect(stops).toEqual(["streamer", "redis"]);
  });
});
