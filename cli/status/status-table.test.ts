import { describe, expect, it } from "vitest";
import { statusTable } from "./status-table.js";

describe("statusTable", () => {
  it("prints one aligned row per kind, like kubectl get", () => {
    const table = statusTable(
      {
        ready: false,
        kinds: [
          {
            kind: "pods",
            objects: 1234,
            verified: true,
            verifiedAgeMs: 12_000,
            lastEventAgeMs: 800,
            stale: false,
          },
          { kind: "deployments.apps", objects: 0, verified: false, stale: true, staleForMs: 3 * 60_000 },
        ],
      },
      new Map([
        ["pods", true],
        ["deployments.apps", false],
      ]),
    );
    expect(table.split("\n")).toEqual([
      "KIND               OBJECTS   WATCH       LAST EVENT   VERIFIED   STALE",
      "pods               1234      connected   0s ago       12s ago    false",
      "deployments.apps   0         down        <none>       <never>    true (3m)",
    ]);
  });

  it("says <unknown> for a watch it could not learn (dashboard off)", () => {
    const table = statusTable(
      { ready: true, kinds: [{ kind: "nodes", objects: 3, verified: true, verifiedAgeMs: 0, stale: false }] },
      new Map(),
    );
    expect(table.split("\n")[1]).toContain("<unknown>");
  });
});
