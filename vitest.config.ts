import { defineConfig } from "vitest/config";

/**
 * Two projects: `unit` (tests beside the code, fakes allowed, fast) and `integration`
 * (test/, real servers). Integration files run one at a time: they share one control plane
 * (global-setup.ts) and start real servers, and the CI machine has two cores.
 */
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ["default", "json"],
    outputFile: { json: "test-artifacts/vitest-report.json" },
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["test/**", "**/node_modules/**", "dist/**", ".cluster/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
