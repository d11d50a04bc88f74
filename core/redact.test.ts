import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, redactUrl, registerSecret, registerUrlSecrets } from "./redact.js";

describe("redactUrl", () => {
  it.each([
    ["redis://krm:s3cret@redis:6379/0", `redis://krm:${REDACTED}@redis:6379/0`],
    ["redis://:s3cret@redis:6379", `redis://:${REDACTED}@redis:6379`],
    ["rediss://user:p%40ss%2Fw@h:6380", `rediss://user:${REDACTED}@h:6380`],
    ["redis://user:p@ss@h:6380", `redis://user:${REDACTED}@h:6380`],
    ["redis-sentinel://u:pw@s1:26379,s2:26379/m", `redis-sentinel://u:${REDACTED}@s1:26379,s2:26379/m`],
    [
      "redis-sentinel://s1:26379/m?db=1&sentinel-password=xyzw",
      `redis-sentinel://s1:26379/m?db=1&sentinel-password=${REDACTED}`,
    ],
    ["redis://redis:6379", "redis://redis:6379"],
    ["redis://user@redis:6379", "redis://user@redis:6379"],
    ["http://influxdb:8086", "http://influxdb:8086"],
  ])("%s → %s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe("redactSecrets by shape", () => {
  it.each([
    [
      "connect to redis://krm:hunter22@redis:6379 failed",
      `connect to redis://krm:${REDACTED}@redis:6379 failed`,
    ],
    ['{"url":"https://a:b-c@influx:8086/write"}', `{"url":"https://a:${REDACTED}@influx:8086/write"}`],
    ["GET /write?db=krm&p=pw&token=abcdef", `GET /write?db=krm&p=pw&token=${REDACTED}`],
    ["Authorization: Bearer eyJhbGciOi.x-y_z", `Authorization: Bearer ${REDACTED}`],
    ["authorization: Token abc123==", `authorization: Token ${REDACTED}`],
    ['{"password":"pa\\"ss","n":1}', `{"password":"${REDACTED}","n":1}`],
    [
      '{"influxToken":"t0k3n","tokensFile":"/etc/t.csv"}',
      `{"influxToken":"${REDACTED}","tokensFile":"/etc/t.csv"}`,
    ],
    ['{"authorization":"Basic Zm9vOmJhcg=="}', `{"authorization":"${REDACTED}"}`],
    ["nothing secret here: redis://redis:6379", "nothing secret here: redis://redis:6379"],
    ["Token review failed; Basic auth enabled", "Token review failed; Basic auth enabled"],
  ])("%s", (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });
});

describe("redactSecrets by value", () => {
  it("removes a registered secret as is, percent-encoded and JSON-escaped", () => {
    const secret = 'planted/"pass word"';
    registerSecret(secret);
    const lines = [
      `auth failed for ${secret}`,
      `url ${encodeURIComponent(secret)}`,
      JSON.stringify({ msg: `oops ${secret}` }),
    ];
    for (const line of lines) {
      const redacted = redactSecrets(line);
      expect(redacted).toContain(REDACTED);
      expect(redacted).not.toContain("planted");
    }
  });

  it("registers the password and secret query parameters of a URL", () => {
    registerUrlSecrets("redis-sentinel://u:first%2Fsecret@s1:1,s2:2/m?sentinel-password=second-secret&db=2");
    expect(redactSecrets("x first/secret y second-secret z")).toBe(`x ${REDACTED} y ${REDACTED} z`);
  });

  it("ignores values too short to be told from ordinary text", () => {
    registerSecret("ab");
    expect(redactSecrets("table")).toBe("table");
  });
});

describe("redaction of an already redacted message", () => {
  it("changes nothing (the CLI redacts errors that were built from redacted URLs)", () => {
    const once = `${redactUrl("redis-sentinel://u:pw12@h:1?sentinel-password=xyzw")}: a Sentinel URL needs the master name`;
    expect(redactSecrets(once)).toBe(once);
    expect(once).toBe(
      `redis-sentinel://u:${REDACTED}@h:1?sentinel-password=${REDACTED}: a Sentinel URL needs the master name`,
    );
  });
});
