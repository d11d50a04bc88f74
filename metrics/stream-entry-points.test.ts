import { describe, expect, it } from "vitest";
import { eventPoint, verificationPoint } from "./stream-entry-points.js";

const CREATED = "2025-01-02T03:04:05Z";
const CREATED_MS = Date.parse(CREATED);

function eventFields(type: string, object: unknown, observed = CREATED_MS + 700): string[] {
  return ["type", type, "rv", "10", "observed", String(observed), "object", JSON.stringify(object)];
}

const pod = { metadata: { name: "a", namespace: "team-a", creationTimestamp: CREATED } };

describe("event points", () => {
  it("an ADDED event gives a delay point tagged by kind, type and namespace", () => {
    const line = eventPoint("pods", `${CREATED_MS + 701}-3`, eventFields("ADDED", pod))?.toLineProtocol();
    expect(line).toBe(
      `krm_stream_event,kind=pods,namespace=team-a,type=ADDED count=1i,delay_ms=700i,resolution_ms=1000i ${CREATED_MS + 701}000003`,
    );
  });

  it("a MODIFIED event counts but carries no delay", () => {
    const line = eventPoint("pods", "5-0", eventFields("MODIFIED", pod))?.toLineProtocol();
    expect(line).toBe("krm_stream_event,kind=pods,namespace=team-a,type=MODIFIED count=1i 5000000");
  });

  it("cluster-scoped objects have no namespace tag", () => {
    const node = { metadata: { name: "n1", creationTimestamp: CREATED } };
    expect(eventPoint("nodes", "5-0", eventFields("ADDED", node))?.toLineProtocol()).toMatch(
      /^krm_stream_event,kind=nodes,type=ADDED /,
    );
  });

  it("N events in the same millisecond give N distinct points", () => {
    const lines = new Set(
      Array.from({ length: 100 }, (_, seq) =>
        eventPoint("pods", `${CREATED_MS + 5}-${seq}`, eventFields("ADDED", pod)),
      )
        .map((point) => point?.toLineProtocol() ?? "")
        .map((line) => line.slice(line.lastIndexOf(" ") + 1)),
    );
    expect(lines.size).toBe(100);
  });

  it("SNAPSHOT markers and unreadable entries give no point", () => {
    expect(
      eventPoint("pods", "1-0", ["type", "SNAPSHOT", "rv", "5", "generation", "1", "observed", "1"]),
    ).toBeUndefined();
    expect(
      eventPoint("pods", "1-0", ["type", "ADDED", "observed", "1", "object", "{not json"]),
    ).toBeUndefined();
  });
});

describe("verification points", () => {
  it("carries drift, its parts, duration and object count", () => {
    const fields = [
      ...["rv", "99", "generation", "4", "finishedAt", "1000", "durationMs", "35"],
      ...["count", "120", "missing", "2", "extra", "1", "stale", "3"],
    ];
    expect(verificationPoint("pods", "1000-1", fields)?.toLineProtocol()).toBe(
      "krm_verification,kind=pods drift=6i,duration_ms=35i,extra=1i,generation=4i,missing=2i,objects=120i,stale=3i 1000000001",
    );
  });
});
