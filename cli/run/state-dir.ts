import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where `krm run` keeps data that should survive a restart: `$KRM_STATE_DIR`, else
 * `$XDG_STATE_HOME/krm`, else `~/.local/state/krm` (the XDG Base Directory default).
 */
export function krmStateDir(env: NodeJS.ProcessEnv, home = homedir()): string {
  const explicit = env["KRM_STATE_DIR"];
  if (explicit !== undefined && explicit !== "") return explicit;
  const xdg = env["XDG_STATE_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(home, ".local", "state"), "krm");
}

/**
 * The private Redis data folder for one cluster: one per API server URL, so pointing krm at
 * another cluster never serves the first one's objects, and a restart against the same
 * cluster starts warm. The name is readable (host and port) plus a short hash of the URL.
 */
export function redisDataDir(stateDir: string, server: string): string {
  const readable = server
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/[^A-Za-z0-9.-]+/g, "_")
    .slice(0, 60);
  const hash = createHash("sha256").update(server).digest("hex").slice(0, 8);
  return join(stateDir, "redis", `${readable}-${hash}`);
}
