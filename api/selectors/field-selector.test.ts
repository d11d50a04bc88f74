import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../core/object-key.js";
import { BadRequestError } from "../errors.js";
import { parseFieldSelector } from "./field-selector.js";

const pod: KubeObject = {
  metadata: { name: "p1", namespace: "a" },
  spec: { nodeName: "n1", hostNetwork: true },
  status: { phase: "Running" },
};
const podFields = ["spec.nodeName", "status.phase", "spec.hostNetwork"];

describe("parseFieldSelector", () => {
  it.each([
    ["", true],
    ["metadata.name=p1", true],
    ["metadata.name==p1", true],
    ["metadata.name!=p1", false],
    ["metadata.namespace=a,spec.nodeName=n1", true],
    ["spec.nodeName=n2", false],
    ["status.phase!=Pending", true],
    ["spec.hostNetwork=true", true],
    ["metadata.name=p\\,1", false],
  ])("%j matches %s", (selector, expected) => {
    expect(parseFieldSelector(selector, podFields).matches(pod)).toBe(expected);
  });

  it("treats an absent field as the empty string", () => {
    const unscheduled: KubeObject = { metadata: { name: "p2" }, spec: {} };
    expect(parseFieldSelector("spec.nodeName=", podFields).matches(unscheduled)).toBe(true);
  });

  it.each(["spec.unknown=x", "metadata.labels=x", "nofield", "metadata.name=a,", "metadata.name=a\\x"])(
    "400 when %j is malformed or unsupported",
    (selector) => {
      expect(() => parseFieldSelector(selector, podFields)).toThrow(BadRequestError);
    },
  );
});
