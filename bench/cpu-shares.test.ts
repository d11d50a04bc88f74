import { describe, expect, it } from "vitest";
import { startCpuWindow } from "./cpu-shares.js";

function burn(ms: number): void {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
}

describe("startCpuWindow", () => {
  it("attributes a busy loop to this process and to the machine", async () => {
    const stop = await startCpuWindow({ self: process.pid, gone: 2 ** 22 + 12345 });
    burn(300);
    const shares = await stop();
    expect(shares.cores).toBeGreaterThanOrEqual(1);
    // The loop kept one core busy; clock ticks are 10 ms, so allow for rounding and other work.
    expect(shares.byProcess["bench"]).toBeGreaterThan(60);
    expect(shares.byProcess["self"]).toBeGreaterThan(60);
    expect(shares.machinePercent).toBeGreaterThan(50);
    expect(shares.machinePercent).toBeLessThanOrEqual(shares.cores * 100 + 1);
    // A process that does not exist is left out rather than counted as zero.
    expect(shares.byProcess).not.toHaveProperty("gone");
  });
});
