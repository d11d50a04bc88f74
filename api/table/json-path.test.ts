import { describe, expect, it } from "vitest";
import { JsonPathError, parseJsonPath, valueAt } from "./json-path.js";

const object = {
  metadata: { name: "w", labels: { "app.kubernetes.io/name": "web" } },
  spec: { replicas: 3, size: "large", tags: ["a", "b"] },
  status: { conditions: [{ type: "Ready", status: "True" }] },
};

describe("printer-column JSONPath", () => {
  it.each([
    [".spec.replicas", 3],
    [".spec.size", "large"],
    ["{.spec.size}", "large"],
    [".spec.tags[1]", "b"],
    [".spec.tags", ["a", "b"]],
    [".status.conditions[0].type", "Ready"],
    [".metadata.labels['app.kubernetes.io/name']", "web"],
    ['.metadata.labels["app.kubernetes.io/name"]', "web"],
    [".spec.missing", undefined],
    [".spec.tags[5]", undefined],
    [".spec.size.deeper", undefined],
    [".status.conditions.type", undefined],
  ])("%s", (path, expected) => {
    expect(valueAt(object, parseJsonPath(path))).toEqual(expected);
  });

  it.each([".spec[*]", ".spec..x", "spec", ".status.conditions[?(@.type=='Ready')]"])(
    "rejects %s",
    (path) => {
      expect(() => parseJsonPath(path)).toThrow(JsonPathError);
    },
  );
});
