/**
 * Every command-line flag, its environment twin, default and the subcommands that take it.
 * One table, so `--help`, parsing and the README cannot disagree.
 */
import { DEFAULT_AUDIENCES } from "../api/auth/kubernetes-guard.js";
import { DEFAULT_HOST, DEFAULT_PORT } from "../api/listen-defaults.js";
import { DEFAULT_MAX_WATCHES, DEFAULT_MAX_WATCHES_PER_USER } from "../api/watch/watch-limits.js";
import { DEFAULT_PAGE_SIZE } from "../core/kube-list.js";
import { BUILTIN_KINDS, DEFAULT_KIND_IDS } from "../core/kinds.js";
import { KEY_PREFIX } from "../core/redis-keys.js";

/** Where the parts (but not `run`, which starts its own) look for Redis when --redis-url is unset. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
/** pino's levels, in order; `--log-level` accepts exactly these. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

export const SUBCOMMANDS = [
  "run",
  "streamer",
  "verifier",
  "aggregator",
  "api",
  "metrics",
  "status",
  "ledger",
  "report",
] as const;
export type Subcommand = (typeof SUBCOMMANDS)[number];

export interface FlagSpec {
  readonly name: string;
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  readonly type: "string" | "boolean";
  /** One-letter alias, like kubectl's `-o`. */
  readonly short?: string;
  readonly default?: string;
  readonly description: string;
  readonly commands: readonly Subcommand[];
  /** The value is a secret (`value`) or a URL that may carry one (`url`): kept out of logs (core/redact.ts). */
  readonly secret?: "value" | "url";
}

/** The commands that run parts of krm (all but `status`, which asks a running krm). */
const ALL: readonly Subcommand[] = ["run", "streamer", "verifier", "aggregator", "api", "metrics", "ledger"];
const KUBE: readonly Subcommand[] = ["run", "streamer", "verifier", "api"];
const PER_KIND: readonly Subcommand[] = ["streamer", "verifier", "aggregator"];
const MULTI_KIND: readonly Subcommand[] = ["run", "api", "metrics"];
const INFLUX: readonly Subcommand[] = ["run", "metrics"];
const API: readonly Subcommand[] = ["run", "api"];
const HEALTH: readonly Subcommand[] = ["streamer", "verifier", "aggregator", "metrics", "ledger"];
/** Usage accounting and right-sizing (usage/). */
const LEDGER: readonly Subcommand[] = ["run", "api", "ledger"];
const RIGHTSIZING: readonly Subcommand[] = ["run", "api"];

export const FLAGS: readonly FlagSpec[] = [
  {
    name: "kubeconfig",
    env: "KUBECONFIG",
    type: "string",
    description:
      "kubeconfig file (default: in-cluster config, else ~/.kube/config; `run` starts a local cluster, Redis and a demo workload when none exists)",
    commands: KUBE,
  },
  {
    name: "redis-url",
    secret: "url",
    env: "REDIS_URL",
    type: "string",
    description: `redis://, rediss://, redis-sentinel://h1:p1,h2:p2/master or redis-cluster://h1:p1,h2:p2 (default: \`run\` starts a private redis-server with its data under ~/.local/state/krm; the other commands use ${DEFAULT_REDIS_URL})`,
    commands: ALL,
  },
  {
    name: "wait-for-redis",
    env: "KRM_WAIT_FOR_REDIS",
    type: "boolean",
    description:
      "keep waiting for an unreachable --redis-url instead of failing after 5 s (the single parts always wait)",
    commands: ["run"],
  },
  {
    name: "kinds",
    env: "KRM_KINDS",
    type: "string",
    default: DEFAULT_KIND_IDS.join(","),
    description: `comma list of kinds: built-in names (${BUILTIN_KINDS.flatMap((kind) => [kind.resource, ...kind.shortNames]).join(", ")}) or group/version/resource/Kind[/cluster]`,
    commands: MULTI_KIND,
  },
  {
    name: "kind",
    env: "KRM_KIND",
    type: "string",
    description: "the one kind this process handles (required)",
    commands: PER_KIND,
  },
  {
    name: "verify-interval",
    env: "KRM_VERIFY_INTERVAL",
    type: "string",
    default: "30s",
    description: "how often the verifier relists each kind",
    commands: ["run", "verifier"],
  },
  {
    name: "page-size",
    env: "KRM_PAGE_SIZE",
    type: "string",
    default: String(DEFAULT_PAGE_SIZE),
    description: "LIST page size (limit) used by the verifier and the streamer's relists",
    commands: ["run", "streamer", "verifier"],
  },
  {
    name: "host",
    env: "KRM_HOST",
    type: "string",
    default: DEFAULT_HOST,
    description: "API listen address",
    commands: API,
  },
  {
    name: "port",
    env: "KRM_PORT",
    type: "string",
    default: String(DEFAULT_PORT),
    description: "API listen port",
    commands: API,
  },
  {
    name: "auth",
    env: "KRM_AUTH",
    type: "string",
    default: "none",
    description:
      "API auth: none (loopback only unless forced), token, or kubernetes (TokenReview + SubjectAccessReview)",
    commands: API,
  },
  {
    name: "tokens-file",
    env: "KRM_TOKENS_FILE",
    type: "string",
    description: 'static tokens CSV for --auth=token (token,user,uid,"group1,group2")',
    commands: API,
  },
  {
    name: "allow-insecure-no-auth",
    env: "KRM_ALLOW_INSECURE_NO_AUTH",
    type: "boolean",
    description: "let --auth=none listen on a non-loopback address",
    commands: API,
  },
  {
    name: "auth-policy-file",
    env: "KRM_AUTH_POLICY_FILE",
    type: "string",
    description:
      "--auth=token: JSON rules mapping users and groups to the namespaces and kinds they may read (re-read on change)",
    commands: API,
  },
  {
    name: "auth-audiences",
    env: "KRM_AUTH_AUDIENCES",
    type: "string",
    default: DEFAULT_AUDIENCES.join(","),
    description:
      "--auth=kubernetes: comma list of token audiences accepted (mint with `kubectl create token SA --audience krm`)",
    commands: API,
  },
  {
    name: "allowed-hosts",
    env: "KRM_ALLOWED_HOSTS",
    type: "string",
    description:
      "--auth=none: extra Host names served besides loopback ones (DNS rebinding defence; * allows any)",
    commands: API,
  },
  {
    name: "tls-cert-file",
    env: "KRM_TLS_CERT_FILE",
    type: "string",
    description: "serve the API over HTTPS with this PEM certificate (re-read when it changes)",
    commands: API,
  },
  {
    name: "tls-key-file",
    env: "KRM_TLS_KEY_FILE",
    type: "string",
    description: "PEM private key of --tls-cert-file",
    commands: API,
  },
  {
    name: "allow-insecure-http",
    env: "KRM_ALLOW_INSECURE_HTTP",
    type: "boolean",
    description: "serve plain HTTP on a non-loopback address (bearer tokens cross the network in clear)",
    commands: API,
  },
  {
    name: "max-watches",
    env: "KRM_MAX_WATCHES",
    type: "string",
    default: String(DEFAULT_MAX_WATCHES),
    description: "watches served at once; more are answered 429",
    commands: API,
  },
  {
    name: "max-watches-per-user",
    env: "KRM_MAX_WATCHES_PER_USER",
    type: "string",
    default: String(DEFAULT_MAX_WATCHES_PER_USER),
    description: "watches one authenticated user may hold at once; more are answered 429",
    commands: API,
  },
  {
    name: "influx-url",
    secret: "url",
    env: "INFLUX_URL",
    type: "string",
    description: "InfluxDB URL; metrics are off when unset",
    commands: INFLUX,
  },
  {
    name: "influx-api",
    env: "INFLUX_API",
    type: "string",
    default: "auto",
    description: "v1 (/write), v2 (/api/v2/write) or auto (detected from /ping)",
    commands: INFLUX,
  },
  {
    name: "influx-database",
    env: "INFLUX_DATABASE",
    type: "string",
    default: "krm",
    description: "InfluxDB 1.x database",
    commands: INFLUX,
  },
  {
    name: "influx-org",
    env: "INFLUX_ORG",
    type: "string",
    description: "InfluxDB 2.x/3.x organization",
    commands: INFLUX,
  },
  {
    name: "influx-bucket",
    env: "INFLUX_BUCKET",
    type: "string",
    description: "InfluxDB 2.x/3.x bucket",
    commands: INFLUX,
  },
  {
    name: "influx-token",
    secret: "value",
    env: "INFLUX_TOKEN",
    type: "string",
    description: "InfluxDB token",
    commands: INFLUX,
  },
  {
    name: "influx-username",
    env: "INFLUX_USERNAME",
    type: "string",
    description: "InfluxDB 1.x user",
    commands: INFLUX,
  },
  {
    name: "influx-password",
    secret: "value",
    env: "INFLUX_PASSWORD",
    type: "string",
    description: "InfluxDB 1.x password",
    commands: INFLUX,
  },
  {
    name: "health-port",
    env: "KRM_HEALTH_PORT",
    type: "string",
    default: "8081",
    description: "port for /healthz and /readyz of a single part (0 = off)",
    commands: HEALTH,
  },
  {
    name: "key-prefix",
    env: "KRM_KEY_PREFIX",
    type: "string",
    default: KEY_PREFIX,
    description: "prefix of every Redis key, to share one Redis between krm instances",
    commands: ALL,
  },
  {
    name: "log-level",
    env: "KRM_LOG_LEVEL",
    type: "string",
    default: "info",
    description: `pino level: ${LOG_LEVELS.join(", ")}`,
    commands: ALL,
  },
  {
    name: "log-format",
    env: "KRM_LOG_FORMAT",
    type: "string",
    default: "auto",
    description: "json, pretty (human-readable lines), or auto: pretty when stdout is a terminal",
    commands: ALL,
  },
  {
    name: "server",
    env: "KRM_SERVER",
    type: "string",
    default: "http://127.0.0.1:8080",
    description: "URL of the running krm to ask",
    commands: ["status", "report"],
  },
  {
    name: "output",
    short: "o",
    env: "KRM_OUTPUT",
    type: "string",
    default: "table",
    description: "table or json (report: table, csv or json)",
    commands: ["status", "report"],
  },
  {
    name: "token",
    env: "KRM_TOKEN",
    type: "string",
    description: "bearer token, when that krm runs with --auth token or kubernetes",
    commands: ["status", "report"],
  },
  {
    name: "usage-labels",
    env: "KRM_USAGE_LABELS",
    type: "string",
    default: "team",
    description:
      "comma list of label keys the usage ledger rolls up by besides namespaces (usagereviews groupBy label:KEY)",
    commands: LEDGER,
  },
  {
    name: "prometheus-url",
    env: "PROMETHEUS_URL",
    type: "string",
    description:
      "Prometheus with the kubelets' cAdvisor series, for usage.krm.dev recommendations (off when unset)",
    commands: RIGHTSIZING,
  },
  {
    name: "cpu-percentile",
    env: "KRM_CPU_PERCENTILE",
    type: "string",
    default: "95",
    description: "recommended CPU request = this percentile of usage (95 or 0.95)",
    commands: RIGHTSIZING,
  },
  {
    name: "memory-headroom",
    env: "KRM_MEMORY_HEADROOM",
    type: "string",
    default: "1.15",
    description: "recommended memory request and limit = peak working set × this",
    commands: RIGHTSIZING,
  },
  {
    name: "min-history",
    env: "KRM_MIN_HISTORY",
    type: "string",
    default: "24h",
    description: 'less consumption history than this gives "not enough data" instead of advice',
    commands: RIGHTSIZING,
  },
  {
    name: "confident-history",
    env: "KRM_CONFIDENT_HISTORY",
    type: "string",
    default: "168h",
    description: "consumption data (span and samples × step) at which a recommendation's confidence is 100 %",
    commands: RIGHTSIZING,
  },
  {
    name: "rightsizing-window",
    env: "KRM_RIGHTSIZING_WINDOW",
    type: "string",
    default: "168h",
    description: "how far back recommendations read consumption",
    commands: RIGHTSIZING,
  },
  {
    name: "rightsizing-step",
    env: "KRM_RIGHTSIZING_STEP",
    type: "string",
    default: "1m",
    description: "resolution of the consumption read (widened to at most 10,000 points per series)",
    commands: RIGHTSIZING,
  },
  {
    name: "rate-window",
    env: "KRM_RATE_WINDOW",
    type: "string",
    default: "5m",
    description: "range of rate() over container_cpu_usage_seconds_total (at least four scrape intervals)",
    commands: RIGHTSIZING,
  },
  {
    name: "from",
    env: "KRM_REPORT_FROM",
    type: "string",
    description: "start of the period (RFC 3339, or a duration ago such as 24h)",
    commands: ["report"],
  },
  {
    name: "to",
    env: "KRM_REPORT_TO",
    type: "string",
    description: "end of the period (RFC 3339, or a duration ago; default now)",
    commands: ["report"],
  },
  {
    name: "group-by",
    env: "KRM_GROUP_BY",
    type: "string",
    default: "namespace",
    description: "namespace or label:KEY",
    commands: ["report"],
  },
  {
    name: "cost",
    env: "KRM_COST",
    type: "string",
    description: "a bill total to split among the groups by their usage ratio",
    commands: ["report"],
  },
  {
    name: "namespace",
    env: "KRM_NAMESPACE",
    short: "n",
    type: "string",
    description: "only this namespace (report rightsizing)",
    commands: ["report"],
  },
  { name: "help", type: "boolean", description: "show this help", commands: SUBCOMMANDS },
  {
    name: "no-capacity",
    env: "KRM_NO_CAPACITY",
    type: "boolean",
    description:
      "do not serve capacity.krm.dev (nodepools, consumers, fitreviews, capacityleases) nor cache the kinds it adds (namespaces, resourcequotas)",
    commands: MULTI_KIND,
  },
  {
    name: "capacity-pool-label",
    env: "KRM_CAPACITY_POOL_LABEL",
    type: "string",
    description:
      "node label naming a node's pool (default: first present of the GKE, EKS, AKS, Karpenter pool labels, then node.kubernetes.io/instance-type, else pool `all`)",
    commands: API,
  },
  {
    name: "consumer-label",
    env: "KRM_CONSUMER_LABEL",
    type: "string",
    description: "pod label naming a pod's consumer (default: its namespace)",
    commands: API,
  },
  {
    name: "capacity-overcommit",
    env: "KRM_CAPACITY_OVERCOMMIT",
    type: "string",
    description:
      "over-commitment factor per pool, reservable = allocatable × factor: pool=1.5,*=1 (default 1)",
    commands: API,
  },
  {
    name: "capacity-thresholds",
    env: "KRM_CAPACITY_THRESHOLDS",
    type: "string",
    description: "warning:critical percent per resource: cpu=80:95,memory=85:95,*=80:95 (default *=80:95)",
    commands: API,
  },
];

export function flagsFor(command: Subcommand): FlagSpec[] {
  return FLAGS.filter((flag) => flag.commands.includes(command));
}

/** A flag's default, from the table; throws for a flag without one (a programming error). */
export function flagDefault(name: string): string {
  const value = FLAGS.find((flag) => flag.name === name)?.default;
  if (value === undefined) throw new Error(`flag --${name} has no default`);
  return value;
}
