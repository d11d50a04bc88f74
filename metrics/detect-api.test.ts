import { describe, expect, it } from "vitest";
import { apiForVersion } from "./detect-api.js";

describe("write API from X-Influxdb-Version", () => {
  it.each([
    ["1.6.7~rc0", "v1"],
    ["1.7.11", "v1"],
    ["1.8.10", "v2"],
    ["2.7.1", "v2"],
    ["v2.7.4", "v2"],
    ["3.0.0", "v2"],
    ["", "v2"],
    [null, "v2"],
  ])("%s → %s", (version, api) => {
    expect(apiForVersion(version)).toBe(api);
  });
});
