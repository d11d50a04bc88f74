import { readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The lock file inside a locked folder; it holds the owner's pid. */
export const LOCK_FILE = "krm.lock";

/**
 * Takes a folder for this process, so two `krm run` never start two redis-servers on the
 * same append-only file. Returns the release function, or undefined when a live process
 * holds it. A lock left by a process that is gone (a crash) is taken over.
 */
export async function lockDir(dir: string, pid = process.pid): Promise<(() => Promise<void>) | undefined> {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(path, String(pid), { flag: "wx" });
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(path, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== pid && isAlive(owner)) return undefined;
      await unlink(path).catch(() => undefined);
    }
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
