import { describe, expect, it } from "vitest";
import { parseKubeTimestamp, streamDelay } from "./kube-timestamp.js";

const CREATED = "2025-01-02T03:04:05Z";
const CREATED_MS = Date.parse(CREATED);

describe("stream delay from Kubernetes timestamps", () => {
  it("whole-second timestamps have 1000 ms resolution", () => {
    expect(parseKubeTimestamp(CREATED)).toEqual({ ms: CREATED_MS, resolutionMs: 1000 });
  });

  it("fractional seconds refine the resolution", () => {
    expect(parseKubeTimestamp("2025-01-02T03:04:05.5Z")?.resolutionMs).toBe(100);
    expect(parseKubeTimestamp("2025-01-02T03:04:05.123456Z")?.resolutionMs).toBe(1);
  });

  it.each([undefined, "", "yesterday", 12])("ignores %s", (value) => {
    expect(parseKubeTimestamp(value)).toBeUndefined();
  });

  it("ADDED is measured from creationTimestamp", () => {
    expect(
      streamDelay({ type: "ADDED", metadata: { creationTimestamp: CREATED } }, CREATED_MS + 1234),
    ).toEqual({
      delayMs: 1234,
      resolutionMs: 1000,
    });
  });

  it("DELETED is measured from deletionTimestamp, and has none without it", () => {
    const metadata = { creationTimestamp: CREATED, deletionTimestamp: "2025-01-02T03:05:05Z" };
    expect(streamDelay({ type: "DELETED", metadata }, CREATED_MS + 60_500)?.delayMs).toBe(500);
    expect(
      streamDelay({ type: "DELETED", metadata: { creationTimestamp: CREATED } }, CREATED_MS),
    ).toBeUndefined();
  });

  it("MODIFIED has no delay", () => {
    expect(
      streamDelay({ type: "MODIFIED", metadata: { creationTimestamp: CREATED } }, CREATED_MS),
    ).toBeUndefined();
  });

  it("keeps negative delays (clock skew) rather than hiding them", () => {
    expect(
      streamDelay({ type: "ADDED", metadata: { creationTimestamp: CREATED } }, CREATED_MS - 300)?.delayMs,
    ).toBe(-300);
  });
});
