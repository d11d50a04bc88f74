import { DurationError, parseDurationMs } from "../core/duration.js";
import { CAPACITY_KIND_IDS, KindConfigError, resolveKinds, type KindSpec } from "../core/kinds.js";
import { redactUrl } from "../core/redact.js";
import { isLoopbackHost } from "../core/loopback.js";
import { DEFAULT_REDIS_URL, flagDefault, LOG_LEVELS } from "./flags.js";
import type { FlagValues } from "./parse-flags.js";
import { UsageError } from "./usage-error.js";

/**
 * Typed, validated settings, built once at startup from the parsed flags. Every check
 * happens here so a bad value fails fast with a clear message instead of deep in a part.
 */
export interface CommonConfig {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly logLevel: string;
  readonly kubeconfig: string | undefined;
}

export type AuthConfig =
  | { mode: "none" }
  | { mode: "token"; tokensFile: string; policyFile?: string }
  | { mode: "kubernetes"; audiences: readonly string[] };

export interface ApiConfig {
  readonly host: string;
  readonly port: number;
  readonly auth: AuthConfig;
  readonly allowInsecureNoAuth: boolean;
  /** Extra Host names served with --auth=none. */
  readonly allowedHosts: readonly string[];
  /** HTTPS certificate and key files; plain HTTP when absent. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly allowInsecureHttp: boolean;
  readonly maxWatches: number;
  readonly maxWatchesPerUser: number;
}

export interface InfluxConfig {
  readonly url: string;
  readonly api: "v1" | "v2" | "auto";
  readonly database: string;
  readonly org?: string;
  readonly bucket?: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
}

/** `--log-level`, validated: checked before any logger exists, so a bad level is one usage line. */
export function logLevel(values: FlagValues): string {
  const level = withDefault(values, "log-level");
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level=${level}: expected one of ${LOG_LEVELS.join(", ")}`);
  }
  return level;
}

export function commonConfig(values: FlagValues): CommonConfig {
  const level = logLevel(values);
  const keyPrefix = withDefault(values, "key-prefix");
  if (!/^[A-Za-z0-9_.-]+$/.test(keyPrefix)) {
    throw new UsageError(`--key-prefix=${keyPrefix}: use letters, digits, '_', '.', '-'`);
  }
  return {
    redisUrl: text(values, "redis-url") ?? DEFAULT_REDIS_URL,
    keyPrefix,
    logLevel: level,
    kubeconfig: text(values, "kubeconfig"),
  };
}

/** The kinds of a multi-kind command: `--kinds`, plus the capacity kinds unless `--no-capacity`. */
export function kindsConfig(values: FlagValues): KindSpec[] {
  const names = withDefault(values, "kinds").split(",");
  const capacity = values["no-capacity"] !== true;
  return resolveKindList(capacity ? [...names, ...CAPACITY_KIND_IDS] : names, "--kinds");
}

/** The single kind of a per-kind command (`--kind`, required). */
export function kindConfig(values: FlagValues): KindSpec {
  const name = text(values, "kind");
  if (name === undefined) throw new UsageError("--kind is required (for example --kind pods)");
  const [kind] = resolveKindList([name], "--kind");
  if (kind === undefined) throw new UsageError("--kind is required (for example --kind pods)");
  return kind;
}

function resolveKindList(names: string[], flag: string): KindSpec[] {
  try {
    return resolveKinds(names);
  } catch (error) {
    if (error instanceof KindConfigError) throw new UsageError(`${flag}: ${error.message}`);
    throw error;
  }
}

export function verifyIntervalMs(values: FlagValues): number {
  const ms = duration(values, "verify-interval");
  if (ms < 1000) throw new UsageError(`--verify-interval must be at least 1s`);
  return ms;
}

export function pageSize(values: FlagValues): number {
  return integer(values, "page-size", 1, 10_000);
}

export function healthPort(values: FlagValues): number {
  return integer(values, "health-port", 0, 65_535);
}

export function apiConfig(values: FlagValues): ApiConfig {
  const host = withDefault(values, "host");
  const port = integer(values, "port", 0, 65_535);
  const mode = withDefault(values, "auth");
  const allowInsecureNoAuth = values["allow-insecure-no-auth"] === true;
  const allowedHosts = list(text(values, "allowed-hosts"));
  if (mode === "none" && !isLoopbackHost(host) && !allowInsecureNoAuth) {
    throw new UsageError(
      `--auth=none would expose the cache without authentication on ${host}; bind to 127.0.0.1, choose --auth=token or --auth=kubernetes, or pass --allow-insecure-no-auth`,
    );
  }
  const base = {
    host,
    port,
    allowInsecureNoAuth,
    allowedHosts,
    ...tlsConfig(values, host),
    maxWatches: integer(values, "max-watches", 1, 1_000_000),
    maxWatchesPerUser: integer(values, "max-watches-per-user", 1, 1_000_000),
  };
  switch (mode) {
    case "none":
      return { ...base, auth: { mode } };
    case "token": {
      const tokensFile = text(values, "tokens-file");
      if (tokensFile === undefined) throw new UsageError("--auth=token needs --tokens-file");
      const policyFile = text(values, "auth-policy-file");
      return { ...base, auth: { mode, tokensFile, ...(policyFile !== undefined ? { policyFile } : {}) } };
    }
    case "kubernetes": {
      const audiences = list(withDefault(values, "auth-audiences"));
      if (audiences.length === 0)
        throw new UsageError("--auth-audiences needs at least one audience (for example krm)");
      return { ...base, auth: { mode, audiences } };
    }
    default:
      throw new UsageError(`--auth=${mode}: expected none, token or kubernetes`);
  }
}

/** TLS files, both or neither; plain HTTP off loopback only when forced. */
function tlsConfig(values: FlagValues, host: string): Pick<ApiConfig, "tls" | "allowInsecureHttp"> {
  const certFile = text(values, "tls-cert-file");
  const keyFile = text(values, "tls-key-file");
  const allowInsecureHttp = values["allow-insecure-http"] === true;
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new UsageError("--tls-cert-file and --tls-key-file go together");
  if (certFile !== undefined && keyFile !== undefined)
    return { tls: { certFile, keyFile }, allowInsecureHttp };
  if (!isLoopbackHost(host) && !allowInsecureHttp) {
    throw new UsageError(
      `plain HTTP on ${host} would send bearer tokens in clear; give --tls-cert-file and --tls-key-file, bind to 127.0.0.1, or pass --allow-insecure-http`,
    );
  }
  return { allowInsecureHttp };
}

/** InfluxDB settings, or undefined when --influx-url is unset (metrics off). */
export function influxConfig(values: FlagValues): InfluxConfig | undefined {
  const url = text(values, "influx-url");
  if (url === undefined) return undefined;
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--influx-url=${redactUrl(url)}: not a URL (expected e.g. http://127.0.0.1:8086)`);
  }
  const api = withDefault(values, "influx-api");
  if (api !== "v1" && api !== "v2" && api !== "auto") {
    throw new UsageError(`--influx-api=${api}: expected v1, v2 or auto`);
  }
  return {
    url,
    api,
    database: withDefault(values, "influx-database"),
    ...optional("org", text(values, "influx-org")),
    ...optional("bucket", text(values, "influx-bucket")),
    ...optional("token", text(values, "influx-token")),
    ...optional("username", text(values, "influx-username")),
    ...optional("password", text(values, "influx-password")),
  };
}

/** A comma list, trimmed, empty items dropped. */
function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function text(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** The flag's value, or its default from the flag table (values built without parseFlags, e.g. in tests). */
function withDefault(values: FlagValues, name: string): string {
  return text(values, name) ?? flagDefault(name);
}

function duration(values: FlagValues, name: string): number {
  const value = withDefault(values, name);
  try {
    return parseDurationMs(value);
  } catch (error) {
    if (error instanceof DurationError) throw new UsageError(`--${name}: ${error.message}`);
    throw error;
  }
}

function integer(values: FlagValues, name: string, min: number, max: number): number {
  const value = withDefault(values, name);
  const number = Number(value);
  if (!/^[0-9]+$/.test(value) || number < min || number > max) {
    throw new UsageError(`--${name}=${value}: expected an integer from ${min} to ${max}`);
  }
  return number;
}
