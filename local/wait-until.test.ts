import { describe, expect, it } from "vitest";
import { waitUntil } from "./wait-until.js";

const NEVER_MS = 3_600_000;

describe("waitUntil with a signal", () => {
  it("rejects with the signal's reason when it is aborted during a check", async () => {
    const stop = new AbortController();
    const reason = new Error("SIGTERM received while starting");
    const pending = waitUntil(
      () => {
        stop.abort(reason);
        return new Promise<undefined>(() => undefined); // a check that never answers
      },
      { what: "a server that never answers", timeoutMs: NEVER_MS, signal: stop.signal },
    );
    await expect(pending).rejects.toBe(reason);
  });

  it("rejects with the signal's reason when it is aborted between polls, without waiting the interval", async () => {
    const stop = new AbortController();
    const reason = new Error("SIGINT received while starting");
    let checks = 0;
    const pending = waitUntil(
      () => {
        checks += 1;
        queueMicrotask(() => stop.abort(reason));
        return undefined;
      },
      { what: "a server not up yet", timeoutMs: NEVER_MS, intervalMs: NEVER_MS, signal: stop.signal },
    );
    await expect(pending).rejects.toBe(reason);
    expect(checks).toBe(1);
  });

  it("does not start when the signal is aborted already", async () => {
    const stop = new AbortController();
    stop.abort(new Error("stopped"));
    let checks = 0;
    const pending = waitUntil(
      () => {
        checks += 1;
        return true;
      },
      { what: "anything", timeoutMs: NEVER_MS, signal: stop.signal },
    );
    await expect(pending).rejects.toThrow("stopped");
    expect(checks).toBe(0);
  });
});
