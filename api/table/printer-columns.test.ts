import { describe, expect, it } from "vitest";
import { cellOf, printerColumnsTable } from "./printer-columns.js";

describe("CRD printer-column cells", () => {
  it.each([
    ["string", "x", "x"],
    ["string", 3, "3"],
    ["string", true, "true"],
    ["string", { b: 1, a: [2] }, '{"a":[2],"b":1}'],
    ["integer", 3.7, 3],
    ["integer", "3", null],
    ["number", 1.5, 1.5],
    ["boolean", false, false],
    ["boolean", "false", null],
    ["date", "2026-01-01T00:00:00.123Z", "2026-01-01T00:00:00Z"],
    ["date", "2026-01-01T02:00:00+02:00", "2026-01-01T00:00:00Z"],
    ["date", "yesterday", "<invalid>"],
    ["string", undefined, null],
    ["string", null, null],
    ["other", "x", null],
  ])("%s of %j is %j", (type, value, expected) => {
    expect(cellOf(type, value)).toEqual(expected);
  });

  it("serves an Age column of type date when the CRD lists no columns", () => {
    const table = printerColumnsTable([]);
    expect(table.columns.map((c) => [c.name, c.type])).toEqual([
      ["Name", "string"],
      ["Age", "date"],
    ]);
    const object = { metadata: { name: "w", creationTimestamp: "2026-01-01T00:00:00Z" } };
    expect(table.cells(object, 0)).toEqual(["w", "2026-01-01T00:00:00Z"]);
  });

  it("prints no value for a path outside the supported subset", () => {
    const table = printerColumnsTable([
      { name: "X", type: "string", format: "", description: "", priority: 0, jsonPath: ".spec[*]" },
    ]);
    expect(table.cells({ metadata: { name: "w" }, spec: { a: 1 } }, 0)).toEqual(["w", null]);
  });
});
