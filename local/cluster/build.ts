// Builds the real kube-apiserver and etcd used by integration tests (and kube-scheduler,
// kube-controller-manager and kwok for the lifelike cluster) from the Go modules in
// local/cluster/go/, into a cache folder outside the repo, and rebuilds only when their inputs
// change. Imports only node: modules so it also runs straight from source with Node's type
// stripping (`npx node local/cluster/build.ts`), before anything is compiled.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Version the kube-apiserver reports (`--version`, `/version`); matches go.mod's k8s.io/kubernetes. */
export const KUBERNETES_VERSION = "v1.36.3";

/** Version of Prometheus built for the right-sizing tests; matches go.mod's github.com/prometheus/prometheus v0.316.0. */
export const PROMETHEUS_VERSION = "3.16.0";

/** One binary built from a Go module under local/cluster/go/. */
interface GoBinary {
  readonly name:
    | "kube-apiserver"
    | "etcd"
    | "influxd"
    | "prometheus"
    | "kube-scheduler"
    | "kube-controller-manager"
    | "kwok";
  readonly ldflags: readonly string[];
  /**
   * The main package to build: "." (the module's own main.go, the default) or a command of a
   * dependency named by a `tool` directive in go.mod (then the module has no main.go).
   */
  readonly package?: string;
  /** Go build tags. */
  readonly tags?: readonly string[];
}

/**
 * `go build` leaves the version variables at placeholders ("v0.0.0-master"); these are the
 * variables Kubernetes' own hack/lib/version.sh sets, in both packages that report a version.
 */
function kubernetesVersionLdflags(version: string): string[] {
  const match = /^v(\d+)\.(\d+)\./.exec(version);
  if (match === null) throw new Error(`not a Kubernetes version: ${version}`);
  const [, major = "", minor = ""] = match;
  return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ]);
}

const BINARIES: readonly GoBinary[] = [
  { name: "kube-apiserver", ldflags: kubernetesVersionLdflags(KUBERNETES_VERSION) },
  { name: "etcd", ldflags: [] },
  // InfluxDB 1.8, for the metrics exporter's /api/v2/write path (Debian's influxd is 1.6).
  { name: "influxd", ldflags: [] },
  // Prometheus for the right-sizing tests: only static scrape configs are needed, so every
  // service-discovery plugin is left out (`remove_all_sd`), and the web UI too (its assets are
  // embedded only under the `builtinassets` tag; the HTTP API works without them).
  {
    name: "prometheus",
    package: "github.com/prometheus/prometheus/cmd/prometheus",
    tags: ["remove_all_sd"],
    ldflags: [
      `-X github.com/prometheus/common/version.Version=${PROMETHEUS_VERSION}`,
      "-X github.com/prometheus/common/version.Branch=krm-test",
    ],
  },
  // The lifelike cluster (lifelike-cluster.ts): same k8s.io/kubernetes module and
  // version as kube-apiserver, plus kwok's controller playing the kubelets.
  { name: "kube-scheduler", ldflags: kubernetesVersionLdflags(KUBERNETES_VERSION) },
  { name: "kube-controller-manager", ldflags: kubernetesVersionLdflags(KUBERNETES_VERSION) },
  { name: "kwok", ldflags: [] },
];

/** Files whose content decides whether a cached binary is still current (main.go only when it is the package built). */
const STAMPED_SOURCES = ["go.mod", "go.sum", "main.go"] as const;

/** Where built binaries are cached: `$KRM_CACHE_DIR/bin`, else `$XDG_CACHE_HOME/krm/bin`, else `~/.cache/krm/bin`. */
export function binDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env["KRM_CACHE_DIR"] ?? join(env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "krm");
  return join(cacheRoot, "bin");
}

/** local/cluster/go, found from this file whether it runs from source or from dist/local/cluster. */
export function goModulesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSource = join(here, "go");
  if (existsSync(fromSource)) return fromSource;
  return resolve(here, "..", "..", "..", "local", "cluster", "go");
}

export interface ClusterBinaries {
  readonly kubeApiServer: string;
  readonly etcd: string;
  /** InfluxDB 1.8.10, which speaks both /write and /api/v2/write. */
  readonly influxd18: string;
  /** Prometheus 3, without service discovery plugins and web UI assets. */
  readonly prometheus: string;
  readonly kubeScheduler: string;
  readonly kubeControllerManager: string;
  /** kwok's controller (sigs.k8s.io/kwok cmd/kwok), which plays the kubelets of fake nodes. */
  readonly kwok: string;
}

export interface EnsureBinariesOptions {
  /** Output folder; default {@link binDir}. */
  readonly binDir?: string;
  /** Where `go build` output goes; default this process's stderr, so a slow cold build shows progress. */
  readonly log?: (line: string) => void;
  /** Check and build only these (`node local/cluster/build.ts kwok kube-scheduler`); default all. */
  readonly only?: readonly string[];
}

/**
 * Returns the paths of the binaries above, building each one whose stamp (a hash of its
 * module's go.mod, go.sum, main.go and ldflags) differs from the cached one. A build writes to
 * a temporary name and renames, so a concurrent reader never sees a half-written binary.
 */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<ClusterBinaries> {
  const outDir = options.binDir ?? binDir();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  await mkdir(outDir, { recursive: true });
  const only = options.only ?? [];
  const unknown = only.filter((name) => !BINARIES.some((binary) => binary.name === name));
  if (unknown.length > 0) throw new Error(`no such binary: ${unknown.join(", ")}`);
  for (const binary of BINARIES) {
    if (only.length === 0 || only.includes(binary.name)) await ensureBinary(binary, outDir, log);
  }
  return {
    kubeApiServer: join(outDir, "kube-apiserver"),
    etcd: join(outDir, "etcd"),
    influxd18: join(outDir, "influxd"),
    prometheus: join(outDir, "prometheus"),
    kubeScheduler: join(outDir, "kube-scheduler"),
    kubeControllerManager: join(outDir, "kube-controller-manager"),
    kwok: join(outDir, "kwok"),
  };
}

async function ensureBinary(binary: GoBinary, outDir: string, log: (line: string) => void): Promise<void> {
  const moduleDir = join(goModulesDir(), binary.name);
  const output = join(outDir, binary.name);
  const stampPath = `${output}.stamp`;
  const stamp = await computeStamp(moduleDir, binary);
  const cachedStamp = await readFile(stampPath, "utf8").catch(() => "");
  if (existsSync(output) && cachedStamp.trim() === stamp) return;

  const started = Date.now();
  log(`building ${binary.name} from ${moduleDir} (first build takes minutes) ...`);
  const temporary = `${output}.${process.pid}.tmp`;
  await runGoBuild(moduleDir, temporary, binary, log);
  await rename(temporary, output);
  await writeFile(stampPath, `${stamp}\n`);
  log(`built ${output} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function computeStamp(moduleDir: string, binary: GoBinary): Promise<string> {
  const hash = createHash("sha256");
  const main = binary.package ?? ".";
  for (const file of STAMPED_SOURCES) {
    if (file === "main.go" && main !== ".") continue;
    hash.update(`${file}\0`);
    hash.update(await readFile(join(moduleDir, file)));
  }
  hash.update(binary.ldflags.join(" "));
  if (main !== ".") hash.update(`\0${main}\0${(binary.tags ?? []).join(",")}`);
  return hash.digest("hex");
}

function runGoBuild(
  moduleDir: string,
  output: string,
  binary: GoBinary,
  log: (line: string) => void,
): Promise<void> {
  const tags = binary.tags ?? [];
  const args = [
    "build",
    "-trimpath",
    ...(tags.length > 0 ? ["-tags", tags.join(",")] : []),
    "-ldflags",
    ["-s", "-w", ...binary.ldflags].join(" "),
    "-o",
    output,
    binary.package ?? ".",
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn("go", args, {
      cwd: moduleDir,
      env: { ...process.env, CGO_ENABLED: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") log(line);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", (error) => reject(new Error(`cannot run go (is Go installed?): ${error.message}`)));
    child.on("exit", (code, signal) => {
      if (code === 0) {
        resolvePromise();
        return;
      }
      void rm(output, { force: true });
      reject(new Error(`go build in ${moduleDir} failed (exit ${code ?? signal ?? "?"})`));
    });
  });
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const only = process.argv.slice(2);
  ensureBinaries({ only }).then(
    () => {
      const names = only.length > 0 ? only : BINARIES.map((binary) => binary.name);
      process.stdout.write(`${names.map((name) => join(binDir(), name)).join("\n")}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
