import { describe, expect, it } from "vitest";
import { Backoff, sleep } from "./backoff.js";

function clock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe("Backoff", () => {
  it("doubles from 800 ms up to the 30 s cap without jitter", () => {
    const c = clock();
    const backoff = new Backoff({ jitter: 0, now: c.now });
    const delays = Array.from({ length: 8 }, () => backoff.nextDelayMs());
    expect(delays).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
  });

  it("adds jitter proportional to the base delay but never exceeds the cap", () => {
    const backoff = new Backoff({ random: () => 0.5, now: () => 0 });
    expect([1, 2, 3, 4, 5, 6, 7].map(() => backoff.nextDelayMs())).toEqual([
      1200, 2400, 4800, 9600, 19_200, 30_000, 30_000,
    ]);
  });

  it("starts over after 2 minutes without a failure", () => {
    const c = clock();
    const backoff = new Backoff({ jitter: 0, now: c.now });
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    c.advance(119_999);
    expect(backoff.nextDelayMs()).toBe(3200);
    c.advance(120_000);
    expect(backoff.nextDelayMs()).toBe(800);
  });

  it("reset() returns to the initial delay", () => {
    const backoff = new Backoff({ jitter: 0, now: () => 0 });
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(800);
  });
});

describe("sleep", () => {
  it("resolves at once when the signal aborts", async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});
