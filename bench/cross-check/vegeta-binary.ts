import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { binDir } from "../../local/cluster/build.js";

const run = promisify(execFile);

/** The load generator the cross-check times with: a well-known client that is not the bench's. */
export const VEGETA_MODULE = "github.com/tsenart/vegeta/v12";
export const VEGETA_VERSION = "v12.13.0";

/** `go version -m` prints the main module as `mod <path> <version> <sum>`. */
function builtFrom(buildInfo: string): boolean {
  return buildInfo
    .split("\n")
    .some((line) => /^\s*mod\s/.test(line) && line.includes(`${VEGETA_MODULE}\t${VEGETA_VERSION}`));
}

/**
 * The path of vegeta {@link VEGETA_VERSION}, built with `go install` into the cache folder of the
 * cluster binaries (outside the repository) unless the binary there is already that version.
 */
export async function ensureVegeta(log: (line: string) => void): Promise<string> {
  const dir = binDir();
  const path = join(dir, "vegeta");
  const buildInfo = await run("go", ["version", "-m", path]).then(
    ({ stdout }) => stdout,
    () => "",
  );
  if (builtFrom(buildInfo)) return path;
  log(`building vegeta ${VEGETA_VERSION} into ${dir}`);
  await run("go", ["install", `${VEGETA_MODULE}@${VEGETA_VERSION}`], {
    env: { ...process.env, GOBIN: dir, CGO_ENABLED: "0" },
  });
  const { stdout } = await run("go", ["version", "-m", path]);
  if (!builtFrom(stdout)) throw new Error(`${path} is not vegeta ${VEGETA_VERSION} after go install`);
  return path;
}
