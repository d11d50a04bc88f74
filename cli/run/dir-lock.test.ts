import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCK_FILE, lockDir } from "./dir-lock.js";

describe("lockDir", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "krm-lock-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("takes a free folder and gives it back on release", async () => {
    const release = await lockDir(dir);
    expect(release).toBeDefined();
    expect(await readFile(join(dir, LOCK_FILE), "utf8")).toBe(String(process.pid));
    await release?.();
    expect(await lockDir(dir)).toBeDefined();
  });

  it("refuses a folder a live process holds", async () => {
    await writeFile(join(dir, LOCK_FILE), String(process.ppid));
    expect(await lockDir(dir)).toBeUndefined();
  });

  it("takes over the lock of a process that is gone", async () => {
    await writeFile(join(dir, LOCK_FILE), "2147483646");
    expect(await lockDir(dir)).toBeDefined();
  });
});
