import { describe, expect, it } from "vitest";
import { feedHasGap } from "./feed-gap.js";

const info = (fields: Record<string, string>) => new Map(Object.entries(fields));

describe("feedHasGap", () => {
  it.each([
    [
      "caught up, nothing trimmed",
      { "last-generated-id": "5-0", "recorded-first-entry-id": "1-0", length: "5", "entries-added": "5" },
      "5-0",
      false,
    ],
    [
      "behind, nothing trimmed",
      { "last-generated-id": "9-0", "recorded-first-entry-id": "1-0", length: "9", "entries-added": "9" },
      "3-0",
      false,
    ],
    [
      "position trimmed away",
      { "last-generated-id": "9-0", "recorded-first-entry-id": "7-0", length: "3", "entries-added": "9" },
      "3-0",
      true,
    ],
    [
      "position is the first entry left",
      { "last-generated-id": "9-0", "recorded-first-entry-id": "3-0", length: "7", "entries-added": "9" },
      "3-0",
      false,
    ],
    [
      "stream recreated with older ids",
      { "last-generated-id": "2-0", "recorded-first-entry-id": "1-0", length: "2", "entries-added": "2" },
      "3-0",
      true,
    ],
    [
      "an unread entry deleted",
      {
        "last-generated-id": "9-0",
        "max-deleted-entry-id": "6-0",
        "recorded-first-entry-id": "1-0",
        length: "8",
        "entries-added": "9",
      },
      "3-0",
      true,
    ],
    [
      "trimmed to empty after the position (XTRIM leaves max-deleted-entry-id at 0-0)",
      {
        "last-generated-id": "9-0",
        "max-deleted-entry-id": "0-0",
        "recorded-first-entry-id": "0-0",
        length: "0",
        "entries-added": "9",
      },
      "3-0",
      true,
    ],
    [
      "empty and caught up",
      { "last-generated-id": "9-0", "recorded-first-entry-id": "0-0", length: "0", "entries-added": "9" },
      "9-0",
      false,
    ],
    [
      "nothing read yet, nothing trimmed",
      { "last-generated-id": "2-0", "recorded-first-entry-id": "1-0", length: "2", "entries-added": "2" },
      "0-0",
      false,
    ],
    [
      "nothing read yet, some trimmed",
      { "last-generated-id": "4-0", "recorded-first-entry-id": "3-0", length: "2", "entries-added": "4" },
      "0-0",
      true,
    ],
  ])("%s → %s", (_name, fields, position, expected) => {
    expect(feedHasGap(info(fields), position)).toBe(expected);
  });
});
