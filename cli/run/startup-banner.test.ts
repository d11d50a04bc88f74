import { describe, expect, it } from "vitest";
import { StartupBanner } from "./startup-banner.js";

function setup(): { banner: StartupBanner; lines: string[]; advance: (ms: number) => void } {
  let now = 0;
  const lines: string[] = [];
  const banner = new StartupBanner({
    kinds: ["pods", "nodes"],
    write: (line) => lines.push(...line.split("\n")),
    now: () => now,
    progressIntervalMs: 2_000,
  });
  return { banner, lines, advance: (ms) => (now += ms) };
}

describe("StartupBanner", () => {
  it("shows each kind's first list, throttled, with the total when known, then ready once", () => {
    const { banner, lines, advance } = setup();
    banner.starting("https://10.0.0.1:6443");
    const pods = banner.forKind("pods");
    const nodes = banner.forKind("nodes");
    pods.listed(500, 3000);
    advance(500);
    pods.listed(1000, 3000); // within the interval: not shown
    advance(1600);
    pods.listed(1500, 3000);
    banner.estimated("nodes", 7);
    nodes.listed(3); // a streaming list: no total of its own, the estimate
    advance(900);
    pods.synced(3000);
    pods.listed(10, 10); // a later relist: the banner is done with pods
    expect(banner.allSynced).toBe(false);
    nodes.synced(3);
    expect(banner.allSynced).toBe(true);
    banner.ready("http://127.0.0.1:8080");
    banner.ready("http://127.0.0.1:8080");
    expect(lines).toEqual([
      "krm is starting: listing 2 kinds from https://10.0.0.1:6443; the API answers 503 until every kind is verified",
      "  pods: 500 listed of 3000…",
      "  pods: 1500 listed of 3000…",
      "  nodes: 3 listed of 7…",
      "  pods: 3000 objects listed in 3.0 s (1/2 kinds)",
      "  nodes: 3 objects listed in 3.0 s (2/2 kinds)",
      "krm is ready: every kind is listed and verified",
      "krm is serving on http://127.0.0.1:8080",
      "  dashboard:  http://127.0.0.1:8080/dashboard",
      "  status:     http://127.0.0.1:8080/status   (or: krm status --server http://127.0.0.1:8080)",
      "  kubectl:    kubectl --server http://127.0.0.1:8080 get pods -A",
      "Ctrl-C stops everything krm started.",
    ]);
  });
});
