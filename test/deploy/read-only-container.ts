import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { ManagedProcess } from "../../local/managed-process.js";
import { buildah, type BuiltImage, type ImageConfig } from "./image-build.js";

const run = promisify(execFile);

/** A host folder shown read-only inside the container (like a Kubernetes Secret volume). */
export interface ContainerMount {
  readonly source: string;
  /** An existing, empty folder of the image, e.g. /mnt. */
  readonly target: string;
}

export interface ExecResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One container of a built image, run the way Kubernetes runs krm's pods (deploy/: user 10001,
 * `readOnlyRootFilesystem: true`, an emptyDir on /tmp): the image's root filesystem mounted
 * read-only, a fresh tmpfs on /tmp, /proc, a minimal /dev, the host's network, and the
 * image's user, environment, working directory and entrypoint. Nothing outside /tmp can be
 * written: every write elsewhere fails with EROFS.
 */
export interface ReadOnlyContainer {
  /** The container's root filesystem on the host (buildah mount). */
  readonly rootfs: string;
  /** Starts the image's entrypoint with `args` (the image's CMD when omitted), as `docker run IMAGE args`. */
  start(options: { readonly args?: readonly string[]; readonly logPath: string }): ManagedProcess;
  /** Runs `command` in place of the entrypoint (`docker run --entrypoint`) and waits for it. */
  exec(command: readonly string[]): Promise<ExecResult>;
  /** Removes the container (the image stays). */
  remove(): Promise<void>;
}

/**
 * Mounts as the container runtime would, then drops to the image's user: a bind mount of the
 * root filesystem onto itself remounted read-only (submounts stay as they are), each host
 * folder bound read-only, then chroot and env -i. Runs in a private mount namespace
 * (unshare --mount), so every mount is gone when the process ends; each `exec` keeps the same
 * pid through the chain, so signals reach the process itself.
 */
const SANDBOX = String.raw`set -eu
root=$1 user=$2 groups=$3 workdir=$4
shift 4
mount --bind "$root" "$root"
mount -t tmpfs -o mode=1777,size=256m,nosuid,nodev tmpfs "$root/tmp"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o mode=755,size=64k,nosuid tmpfs "$root/dev"
for device in null zero full random urandom; do
  touch "$root/dev/$device"
  mount --bind "/dev/$device" "$root/dev/$device"
done
while [ "$1" != "--" ]; do
  source=$(printf '%s' "$1" | cut -d: -f1) target=$(printf '%s' "$1" | cut -d: -f2-)
  mount --bind "$source" "$root$target"
  mount -o remount,bind,ro "$root$target"
  shift
done
shift
mount -o remount,bind,ro "$root"
exec chroot --userspec="$user" --groups="$groups" "$root" /usr/bin/env -i -C "$workdir" "$@"
`;

/** Creates a container of `built` (buildah from + mount); only root can make the mounts. */
export async function createReadOnlyContainer(
  built: BuiltImage,
  config: ImageConfig,
  mounts: readonly ContainerMount[] = [],
): Promise<ReadOnlyContainer> {
  if (process.getuid?.() !== 0)
    throw new Error("running the image needs root (mount namespaces and chroot); CI runs as root");
  const name = (await buildah(built, ["from", "--quiet", "--pull=never", built.id])).trim();
  const rootfs = (await buildah(built, ["mount", name])).trim();
  const [user = "0", group = user] = (config.User ?? "0").split(":");
  const home = await homeOf(rootfs, user);
  const env = [...(config.Env ?? []), ...(home !== undefined ? [`HOME=${home}`] : [])];

  const commandLine = (command: readonly string[]): string[] => [
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    SANDBOX,
    "sandbox",
    rootfs,
    `${user}:${group}`,
    group,
    config.WorkingDir ?? "/",
    ...mounts.map((mount) => `${mount.source}:${mount.target}`),
    "--",
    ...env,
    ...command,
  ];

  return {
    rootfs,
    start: ({ args, logPath }) =>
      ManagedProcess.start({
        command: "unshare",
        args: commandLine([...(config.Entrypoint ?? []), ...(args ?? config.Cmd ?? [])]),
        logPath,
      }),
    exec: async (command) => {
      try {
        const { stdout, stderr } = await run("unshare", commandLine(command), { timeout: 60_000 });
        return { status: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: unknown; stdout?: string; stderr?: string };
        if (typeof failed.code !== "number") throw error;
        return { status: failed.code, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
      }
    },
    remove: async () => {
      await buildah(built, ["rm", name]);
    },
  };
}

/** The home folder of a numeric or named user in the image's /etc/passwd, as runtimes set HOME. */
async function homeOf(rootfs: string, user: string): Promise<string | undefined> {
  const passwd = await readFile(join(rootfs, "etc/passwd"), "utf8").catch(() => "");
  for (const line of passwd.split("\n")) {
    const [name, , uid, , , home] = line.split(":");
    if (name === user || uid === user) return home;
  }
  return undefined;
}
