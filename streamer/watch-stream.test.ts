import { describe, expect, it } from "vitest";
import { KubeApiError, isGone } from "../core/kube-errors.js";
import { parseWatchLine } from "./watch-stream.js";

describe("parseWatchLine", () => {
  it("keeps the object of ADDED/MODIFIED/DELETED as JSON", () => {
    const object = { apiVersion: "v1", kind: "Pod", metadata: { name: "a", uid: "u", resourceVersion: "5" } };
    const event = parseWatchLine(JSON.stringify({ type: "MODIFIED", object }));
    expect(event).toMatchObject({ type: "MODIFIED", object });
    expect(event.type !== "BOOKMARK" && JSON.parse(event.json)).toEqual(object);
  });

  it.each([
    [
      { metadata: { resourceVersion: "12" } },
      { type: "BOOKMARK", resourceVersion: "12", initialEventsEnd: false },
    ],
    [
      { metadata: { resourceVersion: "13", annotations: { "k8s.io/initial-events-end": "true" } } },
      { type: "BOOKMARK", resourceVersion: "13", initialEventsEnd: true },
    ],
  ])("reads bookmarks %j", (object, expected) => {
    expect(parseWatchLine(JSON.stringify({ type: "BOOKMARK", object }))).toEqual(expected);
  });

  it("turns an ERROR event with code 410 into a Gone error", () => {
    const line = JSON.stringify({
      type: "ERROR",
      object: { kind: "Status", code: 410, reason: "Expired", message: "too old resource version: 5 (20)" },
    });
    expect(() => parseWatchLine(line)).toThrow(KubeApiError);
    try {
      parseWatchLine(line);
    } catch (error) {
      expect(isGone(error)).toBe(true);
    }
  });

  it.each(['{"type":"WHAT","object":{}}', '{"type":"ADDED","object":{}}', "not json"])(
    "rejects %s",
    (line) => {
      expect(() => parseWatchLine(line)).toThrow();
    },
  );
});
