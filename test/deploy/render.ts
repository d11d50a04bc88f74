import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { loadAllYaml } from "@kubernetes/client-node";
import { kubectlOk } from "./kubectl.js";

/** The kustomization users apply: `kubectl apply -k deploy/`. */
export const DEPLOY_DIR = resolve(import.meta.dirname, "../../deploy");

/** The part of a Kubernetes object every rendered manifest has; the rest is read per kind. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

export interface RenderedManifests {
  /** The multi-document YAML kustomize printed, as `kubectl apply -f -` takes it. */
  readonly yaml: string;
  readonly objects: readonly KubeObject[];
}

/**
 * `deploy/generate-credentials.sh`, as a user runs it before the first apply: writes
 * deploy/credentials/ (git-ignored) unless it exists. Safe to call from concurrent runs.
 */
export function ensureCredentials(): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      "sh",
      [join(DEPLOY_DIR, "generate-credentials.sh")],
      { timeout: 30_000 },
      (error, _out, stderr) =>
        error === null ? resolvePromise() : reject(new Error(`generate-credentials.sh failed: ${stderr}`)),
    );
  });
}

/** `kubectl kustomize <dir>`, parsed; deploy/'s credentials are generated first if missing. */
export async function renderKustomization(dir: string): Promise<RenderedManifests> {
  await ensureCredentials();
  const yaml = await kubectlOk(["kustomize", dir]);
  return { yaml, objects: parseObjects(yaml) };
}

export interface OverlayOptions {
  /** Replaces the `krm` namespace (and renames the Namespace object). */
  readonly namespace?: string;
  /** Appended to every name, cluster-scoped ones included, so runs cannot collide. */
  readonly nameSuffix?: string;
  /** Component folders inside deploy/, e.g. `components/external-redis`. */
  readonly components?: readonly string[];
}

/**
 * Renders deploy/ through a throw-away overlay outside it, the way a user customizes krm
 * without editing deploy/ (an overlay inside deploy/ would be a kustomize cycle).
 */
export async function renderDeployOverlay(options: OverlayOptions): Promise<RenderedManifests> {
  const dir = await mkdtemp(join(tmpdir(), "krm-deploy-overlay-"));
  try {
    // kustomize refuses absolute resource paths.
    const deploy = relative(dir, DEPLOY_DIR);
    const lines = [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      // Quoted: a suffix such as "-123" would otherwise be read as a YAML number.
      ...(options.namespace !== undefined ? [`namespace: ${JSON.stringify(options.namespace)}`] : []),
      ...(options.nameSuffix !== undefined ? [`nameSuffix: ${JSON.stringify(options.nameSuffix)}`] : []),
      "resources:",
      `  - ${deploy}`,
      ...(options.components !== undefined && options.components.length > 0
        ? ["components:", ...options.components.map((component) => `  - ${join(deploy, component)}`)]
        : []),
    ];
    await writeFile(join(dir, "kustomization.yaml"), `${lines.join("\n")}\n`);
    return await renderKustomization(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Multi-document YAML (or JSON) to objects; empty documents are skipped. */
export function parseObjects(yaml: string): KubeObject[] {
  const documents: unknown[] = loadAllYaml(yaml);
  return asKubeObjects(documents.filter((document) => document !== null));
}

export function asKubeObjects(documents: readonly unknown[]): KubeObject[] {
  return documents.map(asKubeObject);
}

function asKubeObject(document: unknown): KubeObject {
  if (
    typeof document === "object" &&
    document !== null &&
    "apiVersion" in document &&
    typeof document.apiVersion === "string" &&
    "kind" in document &&
    typeof document.kind === "string" &&
    "metadata" in document &&
    typeof document.metadata === "object" &&
    document.metadata !== null &&
    "name" in document.metadata &&
    typeof document.metadata.name === "string"
  ) {
    return document as KubeObject;
  }
  throw new Error(`not a Kubernetes object: ${JSON.stringify(document).slice(0, 200)}`);
}

/** The one object of that kind and name; throws naming what exists when it is missing. */
export function findObject(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (found === undefined) {
    const names = objects.filter((object) => object.kind === kind).map((object) => object.metadata.name);
    throw new Error(`no ${kind} ${name} among [${names.join(", ")}]`);
  }
  return found;
}

/** Generated ConfigMaps and Secrets carry a content hash suffix: `krm-config-d8g9b8g9ht`. */
export function findGenerated(objects: readonly KubeObject[], kind: string, baseName: string): KubeObject {
  const pattern = new RegExp(`^${baseName}-[a-z0-9]{10}$`);
  const found = objects.find((object) => object.kind === kind && pattern.test(object.metadata.name));
  if (found === undefined) throw new Error(`no generated ${kind} ${baseName}-<hash>`);
  return found;
}
