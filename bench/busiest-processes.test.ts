import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { busiestProcesses } from "./busiest-processes.js";

describe("busiestProcesses", () => {
  it("finds a process that spins during the window, with its measured CPU and command line", async () => {
    const spinner = spawn(process.execPath, ["-e", "for (;;) {}", "busy-marker"], { stdio: "ignore" });
    try {
      const busy = await busiestProcesses(1_000, 20);
      const found = busy.find((p) => p.pid === spinner.pid);
      expect(found?.command).toMatch(/^node -e for \(;;\) \{\} busy-marker$/);
      // A spinning process gets a good share of a core even on a loaded 2-core machine.
      expect(found?.cpuPercent).toBeGreaterThan(20);
      // One core at most, give or take a clock tick (10 ms) of the ~1 s window.
      expect(found?.cpuPercent).toBeLessThanOrEqual(102);
      expect(busy.map((p) => p.cpuPercent)).toEqual([...busy.map((p) => p.cpuPercent)].sort((a, b) => b - a));
    } finally {
      spinner.kill("SIGKILL");
    }
  });
});
