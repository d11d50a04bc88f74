/**
 * The kind registry: which Kubernetes resources krm caches and where they live.
 *
 * A kind is identified by its resource and group, written like kubectl does
 * (`pods`, `deployments.apps`, `ingresses.networking.k8s.io`). That id names its Redis
 * keys, its CLI flag value and its metrics tag.
 */
export interface KindSpec {
  /** `resource` for the core group, `resource.group` otherwise. */
  readonly id: string;
  /** API group; "" for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name as in the URL path. */
  readonly resource: string;
  /** Kind of one object, e.g. `Pod`. The list kind is `${kind}List`. */
  readonly kind: string;
  readonly namespaced: boolean;
  /** Short names accepted on the command line and by discovery (kubectl `po`, `deploy`). */
  readonly shortNames: readonly string[];
  /** Field selectors the API server supports for this kind besides metadata.name/namespace. */
  readonly fieldSelectors: readonly string[];
  /** Discovery categories (`kubectl get all`); a custom kind takes its CRD's at API startup. */
  readonly categories?: readonly string[];
  /** A custom kind's CRD `additionalPrinterColumns` for the served version (server-side Table). */
  readonly printerColumns?: readonly PrinterColumn[];
}

/** One `additionalPrinterColumns` entry of a CustomResourceDefinition version. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
  readonly jsonPath: string;
}

export const BUILTIN_KINDS: readonly KindSpec[] = [
  {
    id: "pods",
    group: "",
    version: "v1",
    resource: "pods",
    kind: "Pod",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    fieldSelectors: [
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.nominatedNodeName",
    ],
  },
  {
    id: "deployments.apps",
    group: "apps",
    version: "v1",
    resource: "deployments",
    kind: "Deployment",
    namespaced: true,
    shortNames: ["deploy"],
    categories: ["all"],
    fieldSelectors: [],
  },
  {
    id: "persistentvolumeclaims",
    group: "",
    version: "v1",
    resource: "persistentvolumeclaims",
    kind: "PersistentVolumeClaim",
    namespaced: true,
    shortNames: ["pvc"],
    fieldSelectors: [],
  },
  {
    id: "services",
    group: "",
    version: "v1",
    resource: "services",
    kind: "Service",
    namespaced: true,
    shortNames: ["svc"],
    categories: ["all"],
    fieldSelectors: [],
  },
  {
    id: "ingresses.networking.k8s.io",
    group: "networking.k8s.io",
    version: "v1",
    resource: "ingresses",
    kind: "Ingress",
    namespaced: true,
    shortNames: ["ing"],
    fieldSelectors: [],
  },
  {
    id: "nodes",
    group: "",
    version: "v1",
    resource: "nodes",
    kind: "Node",
    namespaced: false,
    shortNames: ["no"],
    fieldSelectors: ["spec.unschedulable"],
  },
  {
    id: "namespaces",
    group: "",
    version: "v1",
    resource: "namespaces",
    kind: "Namespace",
    namespaced: false,
    shortNames: ["ns"],
    fieldSelectors: ["status.phase"],
  },
  {
    id: "resourcequotas",
    group: "",
    version: "v1",
    resource: "resourcequotas",
    kind: "ResourceQuota",
    namespaced: true,
    shortNames: ["quota"],
    fieldSelectors: [],
  },
];

/**
 * Kinds the capacity views need besides pods and nodes (consumers are namespaces, quotas give
 * their hard and used): cached whenever capacity is on (`--capacity`, on by default), in
 * addition to `--kinds`.
 */
export const CAPACITY_KIND_IDS: readonly string[] = ["namespaces", "resourcequotas"];

/** The default of `--kinds`: every built-in kind but the capacity kinds (those follow capacity). */
export const DEFAULT_KIND_IDS: readonly string[] = BUILTIN_KINDS.map((kind) => kind.id).filter(
  (id) => !CAPACITY_KIND_IDS.includes(id),
);

export class KindConfigError extends Error {
  override readonly name = "KindConfigError";
}

/** `group/version` as in `apiVersion`; just `version` for the core group. */
export function apiVersionOf(spec: KindSpec): string {
  return spec.group === "" ? spec.version : `${spec.group}/${spec.version}`;
}

/** URL prefix of the group/version: `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPath(spec: KindSpec): string {
  return spec.group === "" ? `/api/${spec.version}` : `/apis/${spec.group}/${spec.version}`;
}

/** Collection path, optionally inside a namespace. */
export function collectionPath(spec: KindSpec, namespace?: string): string {
  const base = groupVersionPath(spec);
  if (namespace !== undefined && spec.namespaced) {
    return `${base}/namespaces/${encodeURIComponent(namespace)}/${spec.resource}`;
  }
  return `${base}/${spec.resource}`;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const VERSION = /^v[0-9]+((alpha|beta)[0-9]+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Parses a custom kind given by configuration, with no code change:
 * `group/version/resource/Kind[/cluster]`, e.g. `example.com/v1/widgets/Widget` or
 * `v1/configmaps/ConfigMap` for the core group. Namespaced unless `/cluster` ends it.
 */
export function parseCustomKind(text: string): KindSpec {
  const parts = text.split("/");
  const cluster = parts[parts.length - 1] === "cluster";
  if (cluster) parts.pop();
  const [group, version, resource, kind] =
    parts.length === 3 ? ["", parts[0], parts[1], parts[2]] : parts.length === 4 ? parts : [];
  if (
    group === undefined ||
    version === undefined ||
    resource === undefined ||
    kind === undefined ||
    (group !== "" && !DNS_SUBDOMAIN.test(group)) ||
    !VERSION.test(version) ||
    !DNS_LABEL.test(resource) ||
    !KIND.test(kind)
  ) {
    throw new KindConfigError(
      `invalid kind "${text}": expected group/version/resource/Kind[/cluster] (for example example.com/v1/widgets/Widget)`,
    );
  }
  return {
    id: group === "" ? resource : `${resource}.${group}`,
    group,
    version,
    resource,
    kind,
    namespaced: !cluster,
    shortNames: [],
    fieldSelectors: [],
  };
}

/**
 * Resolves the `--kinds` list: built-in kinds by id, resource, or short name
 * (`pods`, `po`, `deployments`, `deployments.apps`, `deploy`), custom kinds by the
 * `parseCustomKind` syntax. Duplicates are removed; order is kept.
 */
export function resolveKinds(names: readonly string[]): KindSpec[] {
  const resolved: KindSpec[] = [];
  for (const raw of names) {
    const name = raw.trim();
    if (name === "") continue;
    const spec = name.includes("/") ? parseCustomKind(name) : findBuiltinKind(name);
    if (spec === undefined) {
      const known = BUILTIN_KINDS.map((k) => k.id).join(", ");
      throw new KindConfigError(
        `unknown kind "${name}": built-in kinds are ${known}; add others as group/version/resource/Kind`,
      );
    }
    if (!resolved.some((k) => k.id === spec.id)) resolved.push(spec);
  }
  if (resolved.length === 0) throw new KindConfigError("no kinds given");
  return resolved;
}

export function findBuiltinKind(name: string): KindSpec | undefined {
  return BUILTIN_KINDS.find(
    (k) =>
      k.id === name || k.resource === name || k.shortNames.includes(name) || k.kind.toLowerCase() === name,
  );
}
