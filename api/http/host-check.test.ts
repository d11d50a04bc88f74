import { describe, expect, it } from "vitest";
import { hostAllowed, hostnameOf, LOOPBACK_HOSTS } from "./host-check.js";

const loopback = new Set(LOOPBACK_HOSTS);

describe("Host check (DNS rebinding)", () => {
  it.each([
    ["127.0.0.1:8080", true],
    ["localhost:8080", true],
    ["LOCALHOST", true],
    ["localhost.", true],
    ["[::1]:8080", true],
    ["127.0.0.2:8080", true],
    ["app.localhost:8080", true],
    ["attacker.example:8080", false],
    ["127.0.0.1.nip.io:8080", false],
    ["localhost.attacker.example", false],
    ["[::1]junk", false],
    ["", false],
    [undefined, false],
  ])("%s allowed: %s", (host, allowed) => {
    expect(hostAllowed(host, loopback)).toBe(allowed);
  });

  it("allows configured names, and anything with *", () => {
    const named = new Set([...LOOPBACK_HOSTS, "krm.internal"]);
    expect(hostAllowed("krm.internal:8080", named)).toBe(true);
    expect(hostAllowed("other.internal", named)).toBe(false);
    expect(hostAllowed("anything", new Set(["*"]))).toBe(true);
    expect(hostAllowed("app.localhost", new Set(["krm.internal"]))).toBe(false);
  });

  it("parses host names", () => {
    expect(hostnameOf("[fe80::1]:80")).toBe("fe80::1");
    expect(hostnameOf("a:b:c")).toBeUndefined();
  });
});
