/**
 * The current context of a kubeconfig file: its cluster and its user, with relative file paths
 * made absolute against the file's folder (as kubectl does). Parsed with js-yaml; the fields
 * are the kubeconfig's own names (https://kubernetes.io/docs/reference/config-api/kubeconfig.v1/).
 */
import { isAbsolute, join } from "node:path";
import { load } from "js-yaml";

export interface ClusterEntry {
  readonly server: string;
  readonly caFile?: string;
  readonly caData?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

export interface UserEntry {
  readonly token?: string;
  readonly tokenFile?: string;
  readonly certFile?: string;
  readonly certData?: string;
  readonly keyFile?: string;
  readonly keyData?: string;
  readonly username?: string;
  readonly password?: string;
  /** `as`: the user to impersonate. */
  readonly impersonate?: string;
  /** `exec` or `auth-provider`: credentials a plugin gives, which krm leaves to client-node. */
  readonly plugin: boolean;
}

export interface CurrentEntries {
  readonly cluster: ClusterEntry | null;
  readonly user: UserEntry;
}

type Fields = Readonly<Record<string, unknown>>;

/** Throws an Error whose first line says what is wrong with the file. */
export function currentEntries(text: string, folder: string): CurrentEntries {
  const document = load(text);
  if (!isFields(document)) throw new Error("not a kubeconfig: expected a mapping at the top");
  const contextName = optionalString(document, "current-context", "kubeconfig");
  const context = contextName === undefined ? undefined : named(document, "contexts", "context", contextName);
  const clusterName = context === undefined ? undefined : optionalString(context, "cluster", "context");
  const userName = context === undefined ? undefined : optionalString(context, "user", "context");
  const cluster = clusterName === undefined ? undefined : named(document, "clusters", "cluster", clusterName);
  const user = userName === undefined ? undefined : named(document, "users", "user", userName);
  return {
    cluster: cluster === undefined ? null : clusterEntry(cluster, clusterName ?? "", folder),
    user: userEntry(user ?? {}, userName ?? "", folder),
  };
}

function clusterEntry(fields: Fields, name: string, folder: string): ClusterEntry {
  const where = `cluster "${name}"`;
  const server = optionalString(fields, "server", where);
  if (server === undefined || server === "") throw new Error(`${where} has no server`);
  const caFile = optionalString(fields, "certificate-authority", where);
  const caData = optionalString(fields, "certificate-authority-data", where);
  const tlsServerName = optionalString(fields, "tls-server-name", where);
  const proxyUrl = optionalString(fields, "proxy-url", where);
  return {
    server: server.replace(/\/+$/, ""),
    ...(caFile === undefined ? {} : { caFile: absolute(folder, caFile) }),
    ...(caData === undefined ? {} : { caData }),
    skipTLSVerify: fields["insecure-skip-tls-verify"] === true,
    ...(tlsServerName === undefined ? {} : { tlsServerName }),
    ...(proxyUrl === undefined ? {} : { proxyUrl }),
  };
}

function userEntry(fields: Fields, name: string, folder: string): UserEntry {
  const where = `user "${name}"`;
  const text = (key: string): string | undefined => optionalString(fields, key, where);
  const file = (key: string): string | undefined => {
    const path = text(key);
    return path === undefined ? undefined : absolute(folder, path);
  };
  const entries: Record<string, string | undefined> = {
    token: text("token"),
    // kubectl writes `tokenFile`; client-node reads `token-file`: both are accepted.
    tokenFile: file("tokenFile") ?? file("token-file"),
    certFile: file("client-certificate"),
    certData: text("client-certificate-data"),
    keyFile: file("client-key"),
    keyData: text("client-key-data"),
    username: text("username"),
    password: text("password"),
    impersonate: text("as"),
  };
  const defined = Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
  return { ...defined, plugin: fields["exec"] != null || fields["auth-provider"] != null };
}

/** The `inner` mapping of the entry called `name` in the list `list` (`clusters`, `users`, `contexts`). */
function named(document: Fields, list: string, inner: string, name: string): Fields {
  const items = document[list];
  const found = Array.isArray(items)
    ? (items as unknown[]).find((item) => isFields(item) && item["name"] === name)
    : undefined;
  if (!isFields(found)) throw new Error(`${list} has no entry named "${name}"`);
  const value = found[inner];
  if (value == null) return {};
  if (!isFields(value)) throw new Error(`${list} entry "${name}": ${inner} is not a mapping`);
  return value;
}

function optionalString(fields: Fields, key: string, where: string): string | undefined {
  const value = fields[key];
  if (value == null) return undefined;
  if (typeof value !== "string") throw new Error(`${where}: ${key} is not a string`);
  return value;
}

function absolute(folder: string, path: string): string {
  return isAbsolute(path) ? path : join(folder, path);
}

function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
