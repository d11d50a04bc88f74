import { describe, expect, it } from "vitest";
import { KubeApiError } from "../../core/kube-errors.js";
import type { Logger } from "../../core/logger.js";
import { ProblemReporter } from "./problem-reporter.js";

const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });

function setup(): { reporter: ProblemReporter; lines: string[]; advance: (ms: number) => void } {
  let now = 0;
  const lines: string[] = [];
  const logger = {
    warn: (_fields: unknown, message: string) => lines.push(`WARN ${message}`),
    info: (_fields: unknown, message: string) => lines.push(`INFO ${message}`),
  } as unknown as Logger;
  const reporter = new ProblemReporter({
    server: "https://127.0.0.1:1",
    logger,
    now: () => now,
    firstRepeatMs: 5_000,
    capMs: 20_000,
  });
  return { reporter, lines, advance: (ms) => (now += ms) };
}

describe("ProblemReporter", () => {
  it("reports a cause shared by every kind once, then with a doubling interval up to the cap", () => {
    const { reporter, lines, advance } = setup();
    // Six kinds, each retrying about once a second for 80 s.
    for (let second = 0; second < 80; second += 1) {
      for (const kind of ["pods", "nodes", "services", "deployments.apps", "ingresses", "pvcs"]) {
        expect(reporter.failed(kind, refused)).toBe(true);
      }
      advance(1000);
    }
    // At 0 s, 5 s, 15 s (+10), 35 s (+20), 55 s, 75 s (+20, the cap).
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(
      "WARN cannot reach the cluster at https://127.0.0.1:1: connection refused (is the API server running, and is the kubeconfig's server address right?) [pods]",
    );
    expect(lines[1]).toContain("[deployments.apps, ingresses, nodes, pods, pvcs, services]");
  });

  it("reports each missing permission on its own line", () => {
    const { reporter, lines } = setup();
    reporter.failed("pods", new KubeApiError(403, { message: 'cannot list resource "pods"' }));
    reporter.failed("nodes", new KubeApiError(403, { message: 'cannot list resource "nodes"' }));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('cannot list resource "nodes"');
  });

  it("leaves transient failures to the caller and says when every cause is over", () => {
    const { reporter, lines } = setup();
    expect(reporter.failed("pods", new KubeApiError(500, {}))).toBe(false);
    reporter.failed("pods", refused);
    reporter.failed("nodes", refused);
    reporter.succeeded("pods");
    expect(lines).toHaveLength(1);
    reporter.succeeded("nodes");
    expect(lines.at(-1)).toBe("INFO the cluster answers again");
    reporter.succeeded("nodes");
    expect(lines).toHaveLength(2);
  });
});
