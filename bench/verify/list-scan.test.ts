import { describe, expect, it } from "vitest";
import { scanList } from "./list-scan.js";

describe("scanList", () => {
  it("cuts a list into its head and the bytes of each item", () => {
    const items = [
      { metadata: { name: "a", annotations: { tricky: '{"items":[1]} \\" ] }' } } },
      { metadata: { name: "b" }, spec: { items: [{ x: 1 }], list: [[], {}] } },
    ];
    const body = Buffer.from(
      JSON.stringify({ kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "9" }, items }),
    );
    const scanned = scanList(body);
    expect(scanned.head).toEqual({
      kind: "PodList",
      apiVersion: "v1",
      metadata: { resourceVersion: "9" },
      items: [],
    });
    expect(scanned.items.map((item) => JSON.parse(item.toString("utf8")) as unknown)).toEqual(items);
  });

  it("reads a key named items inside an object as data, not as the list", () => {
    const body = Buffer.from(
      JSON.stringify({ metadata: { name: "p", labels: { items: "x" } }, spec: { items: [1] } }),
    );
    expect(scanList(body)).toEqual({ head: JSON.parse(body.toString("utf8")) as unknown, items: [] });
  });

  it("handles an empty list and whitespace", () => {
    const scanned = scanList(Buffer.from('{ "kind": "PodList", "items" : [ ] }'));
    expect(scanned).toEqual({ head: { kind: "PodList", items: [] }, items: [] });
  });
});
