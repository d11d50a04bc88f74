import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");

/** A cold build (mmdebstrap, npm ci, tsc) on a loaded two-core machine; up to date it takes a second. */
export const IMAGE_BUILD_TIMEOUT_MS = 900_000;

/** What scripts/build-image.sh built: its last line of output. */
export interface BuiltImage {
  /** localhost/krm:<package.json version> */
  readonly image: string;
  readonly id: string;
  /** buildah's --storage-driver for every command that looks at the image. */
  readonly storageDriver: string;
}

/** The parts of the image's OCI config a container runtime uses to start it. */
export interface ImageConfig {
  readonly User?: string;
  readonly Env?: string[];
  readonly Entrypoint?: string[];
  readonly Cmd?: string[];
  readonly WorkingDir?: string;
}

/**
 * Runs scripts/build-image.sh, which builds the image unless it is up to date with the
 * Dockerfile, the lockfile and the sources. Throws with the script's output when buildah or
 * mmdebstrap is missing or the build fails: CI installs both, so a missing tool is a failure,
 * not a reason to skip.
 */
export async function buildImage(): Promise<BuiltImage> {
  const script = resolve(ROOT, "scripts/build-image.sh");
  try {
    const { stdout } = await run("bash", [script], {
      cwd: ROOT,
      timeout: IMAGE_BUILD_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    const last = stdout.trim().split("\n").pop() ?? "";
    return JSON.parse(last) as BuiltImage;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`scripts/build-image.sh failed; the container image could not be built:\n${detail}`);
  }
}

/** Runs buildah with the image's storage driver and returns its stdout. */
export async function buildah(built: BuiltImage, args: readonly string[]): Promise<string> {
  const { stdout } = await run("buildah", ["--storage-driver", built.storageDriver, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** The image's config (user, entrypoint, environment, working directory). */
export async function imageConfig(built: BuiltImage): Promise<ImageConfig> {
  const out = await buildah(built, ["inspect", "--type", "image", built.id]);
  const inspected = JSON.parse(out) as { OCIv1?: { config?: ImageConfig } };
  const config = inspected.OCIv1?.config;
  if (config === undefined) throw new Error(`buildah inspect ${built.id}: no OCIv1.config`);
  return config;
}
