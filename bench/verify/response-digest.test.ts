import { describe, expect, it } from "vitest";
import { differences, digestOf, digestOfBody, exactPathFor } from "./response-digest.js";

const pod = (name: string, uid: string, rv: string): object => ({
  metadata: { namespace: "ns", name, uid, resourceVersion: rv },
});

describe("digestOf", () => {
  it("keeps key, uid and resourceVersion of every item, sorted by key", () => {
    expect(digestOf({ items: [pod("b", "u2", "7"), pod("a", "u1", "5")] }).items).toEqual([
      { key: "ns/a", uid: "u1", rv: "5" },
      { key: "ns/b", uid: "u2", rv: "7" },
    ]);
  });

  it("treats a single object as a one-item answer", () => {
    expect(digestOf(pod("a", "u1", "5")).items).toEqual([{ key: "ns/a", uid: "u1", rv: "5" }]);
  });
});

describe("digestOfBody", () => {
  it("digests a list's bytes item by item and reads the list's resourceVersion", () => {
    const body = Buffer.from(
      JSON.stringify({
        metadata: { resourceVersion: "9" },
        items: [pod("b", "u2", "7"), pod("a", "u1", "5")],
      }),
    );
    expect(digestOfBody(body)).toEqual({
      listRv: "9",
      digest: {
        items: [
          { key: "ns/a", uid: "u1", rv: "5" },
          { key: "ns/b", uid: "u2", rv: "7" },
        ],
      },
    });
  });

  it("digests a single object without a list resourceVersion", () => {
    expect(digestOfBody(Buffer.from(JSON.stringify(pod("a", "u1", "5"))))).toEqual({
      digest: { items: [{ key: "ns/a", uid: "u1", rv: "5" }] },
    });
  });
});

describe("differences", () => {
  const base = digestOf({ items: [pod("a", "u1", "5"), pod("b", "u2", "7")] });

  it("is empty for equal answers", () => {
    expect(differences(base, digestOf({ items: [pod("b", "u2", "7"), pod("a", "u1", "5")] }))).toEqual([]);
  });

  it("names a stale resourceVersion, a recreated object (same name, new uid), and missing or extra items", () => {
    const other = digestOf({ items: [pod("a", "u1", "6"), pod("b", "u9", "7"), pod("c", "u3", "8")] });
    expect(differences(base, other)).toEqual([
      "ns/a: krm uid u1 rv 5, API server uid u1 rv 6",
      "ns/b: krm uid u2 rv 7, API server uid u9 rv 7",
      "ns/c: the API server has it (rv 8), krm does not",
    ]);
    expect(differences(other, base)).toContain("ns/c: krm has it (rv 8), the API server does not");
  });

  it("caps what it lists and counts the rest", () => {
    const many = digestOf({ items: Array.from({ length: 9 }, (_, i) => pod(`p${i}`, `u${i}`, "1")) });
    const lines = differences(many, { items: [] });
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe("… and 4 more");
  });
});

describe("exactPathFor", () => {
  it("asks for the same list exactly at the resourceVersion, keeping its selector", () => {
    expect(exactPathFor("/api/v1/pods?labelSelector=app%3Dapp-03", "42")).toBe(
      "/api/v1/pods?labelSelector=app%3Dapp-03&resourceVersion=42&resourceVersionMatch=Exact",
    );
  });

  it("turns a get into its namespace's list narrowed to the name", () => {
    expect(exactPathFor("/api/v1/namespaces/bench-001/pods/pod-000001", "9")).toBe(
      "/api/v1/namespaces/bench-001/pods?fieldSelector=metadata.name%3Dpod-000001&resourceVersion=9&resourceVersionMatch=Exact",
    );
  });
});
