import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UnauthorizedError } from "../errors.js";
import { parseTokenFile, TokenFileError, tokenFileGuard } from "./token-file.js";

describe("static token file", () => {
  const dir = mkdtempSync(join(tmpdir(), "krm-tokens-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("parses kube-apiserver's format, groups quoted", () => {
    const tokens = parseTokenFile('# comment\nt1,alice,u1,"dev,ops"\nt2,bob,u2\n\n');
    expect(tokens.get("t1")).toEqual({ username: "alice", uid: "u1", groups: ["dev", "ops"] });
    expect(tokens.get("t2")).toEqual({ username: "bob", uid: "u2", groups: [] });
  });

  it("rejects a line without user and uid", () => {
    expect(() => parseTokenFile("only-a-token\n")).toThrow(TokenFileError);
  });

  it("authenticates bearer tokens from the file; 401 otherwise", async () => {
    const path = join(dir, "tokens.csv");
    writeFileSync(path, "secret,alice,u1\n");
    const guard = await tokenFileGuard(path);
    await expect(guard.authenticate("Bearer secret")).resolves.toMatchObject({ username: "alice" });
    await expect(guard.authenticate("Bearer wrong")).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(guard.authenticate(undefined)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(guard.authenticate("Basic c2VjcmV0")).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
