/**
 * A custom kind's Table from its CRD's `additionalPrinterColumns`, as the API server's
 * CRD table convertor builds it: a Name column, then each printer column whose cell is the
 * JSONPath value typed by the column (a missing value is null, which kubectl prints as
 * `<none>`). A CRD version without printer columns gets an Age column of type date.
 */
import type { PrinterColumn } from "../../core/kinds.js";
import type { KubeObject } from "../../core/object-key.js";
import { parseJsonPath, valueAt } from "./json-path.js";
import { AGE, NAME, type Cell, type TableSpec } from "./columns.js";

/** What the API server serves for a CRD version that lists no printer columns. */
export const DEFAULT_CRD_COLUMNS: readonly PrinterColumn[] = [
  {
    name: "Age",
    type: "date",
    format: "",
    description: AGE.description,
    priority: 0,
    jsonPath: ".metadata.creationTimestamp",
  },
];

export function printerColumnsTable(printerColumns: readonly PrinterColumn[]): TableSpec {
  const given = printerColumns.length === 0 ? DEFAULT_CRD_COLUMNS : printerColumns;
  // A column whose path is outside the subset prints no value rather than failing the list.
  const paths = given.map((c) => {
    try {
      return parseJsonPath(c.jsonPath);
    } catch {
      return undefined;
    }
  });
  return {
    columns: [
      NAME,
      ...given.map(({ name, type, format, description, priority }) => ({
        name,
        type,
        format,
        description,
        priority,
      })),
    ],
    cells: (object: KubeObject) => [
      object.metadata.name ?? "",
      ...given.map((column, i) => {
        const path = paths[i];
        return path === undefined ? null : cellOf(column.type, valueAt(object, path));
      }),
    ],
  };
}

/** The typed cell for one value, as the API server's `cellForJSONValue` (and JSONPath text for strings). */
export function cellOf(type: string, value: unknown): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case "string":
      return textOf(value);
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date":
      return typeof value === "string" ? dateOf(value) : null;
    default:
      return null;
  }
}

/** JSONPath's text output: strings as is, maps and lists as compact JSON with sorted keys (Go's encoding). */
function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/** An RFC 3339 time in UTC to the second, as metav1.Time serializes; `<invalid>` when unparseable. */
function dateOf(text: string): string {
  const time = Date.parse(text);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) return "<invalid>";
  return new Date(Math.floor(time / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
