import type { ConnectionOptions } from "node:tls";
import { Redis, Cluster } from "ioredis";
import { redactUrl, registerUrlSecrets } from "./redact.js";

/** A Redis connection: standalone/Sentinel (`Redis`) or Redis Cluster (`Cluster`). */
export type RedisConnection = Redis | Cluster;

export class RedisUrlError extends Error {
  override readonly name = "RedisUrlError";
}

export interface RedisConnectOptions {
  /**
   * TLS settings for the `rediss…` schemes (e.g. `ca` for a private CA). Default: Node's, which
   * trust the system CAs and those in `NODE_EXTRA_CA_CERTS` (how the CLI is given a CA).
   */
  readonly tls?: ConnectionOptions;
}

/**
 * Opens a connection described by a URL:
 * - `redis://[user:pass@]host:port[/db]` and `rediss://` (TLS): a standalone server;
 * - `redis-sentinel://[user:pass@]host1:port1,host2:port2/<master-name>[?db=N]`: Sentinel;
 *   `sentinel-username` / `sentinel-password` query parameters authenticate to the Sentinels
 *   (the userinfo is the master's); `rediss-sentinel://` speaks TLS to Sentinels and master;
 * - `redis-cluster://[user:pass@]host1:port1,host2:port2`: Redis Cluster; `rediss-cluster://`
 *   with TLS.
 * krm's keys carry a per-kind hash tag, so MULTI over one kind's keys is legal in Cluster.
 * The URL's secrets are registered with core/redact.ts, and error messages show it redacted.
 *
 * Connections retry forever with a capped backoff and queue commands while down, so a
 * Redis restart pauses the parts instead of crashing them. Each part opens its own
 * connection per blocking reader (XREAD BLOCK occupies a connection).
 */
export function createRedis(
  url: string,
  connectionName = "krm",
  options: RedisConnectOptions = {},
): RedisConnection {
  registerUrlSecrets(url);
  const parsed = parseUrl(url);
  const retryStrategy = (attempt: number): number => Math.min(100 * 2 ** Math.min(attempt, 6), 2000);
  const auth = {
    ...(parsed.username !== "" ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== "" ? { password: decodeURIComponent(parsed.password) } : {}),
  };
  const tls = options.tls ?? {};
  switch (parsed.protocol) {
    case "redis:":
    case "rediss:":
      return new Redis(url, {
        connectionName,
        retryStrategy,
        maxRetriesPerRequest: null,
        ...(parsed.protocol === "rediss:" ? { tls } : {}),
      });
    case "redis-sentinel:":
    case "rediss-sentinel:": {
      const name = parsed.pathname.replace(/^\//, "");
      if (name === "")
        throw new RedisUrlError(`${redactUrl(url)}: a Sentinel URL needs the master name as its path`);
      const db = Number(parsed.searchParams.get("db") ?? "0");
      const sentinelUsername = parsed.searchParams.get("sentinel-username");
      const sentinelPassword = parsed.searchParams.get("sentinel-password");
      return new Redis({
        sentinels: hostsOf(parsed, url, 26379),
        name,
        db,
        connectionName,
        ...auth,
        ...(sentinelUsername !== null ? { sentinelUsername } : {}),
        ...(sentinelPassword !== null ? { sentinelPassword } : {}),
        ...(parsed.protocol === "rediss-sentinel:"
          ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true }
          : {}),
        sentinelRetryStrategy: retryStrategy,
        retryStrategy,
        maxRetriesPerRequest: null,
      });
    }
    case "redis-cluster:":
    case "rediss-cluster:":
      return new Cluster(hostsOf(parsed, url, 6379), {
        clusterRetryStrategy: retryStrategy,
        redisOptions: {
          connectionName,
          ...auth,
          maxRetriesPerRequest: null,
          ...(parsed.protocol === "rediss-cluster:" ? { tls } : {}),
        },
      });
    default:
      throw new RedisUrlError(
        `${redactUrl(url)}: unsupported scheme; use redis://, rediss://, redis-sentinel://, rediss-sentinel://, redis-cluster:// or rediss-cluster://`,
      );
  }
}

/** scheme://[userinfo@]hosts[/path][?query]: the parts parseUrl needs to take apart. */
const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*@)?([^/?#]*)(.*)$/i;

/**
 * WHATWG URL rejects a host list with ports (`h1:1,h2:2`), so a Sentinel or Cluster host list
 * is replaced by a placeholder before parsing; `hostsOf` reads the hosts from the raw text.
 */
function parseUrl(url: string): URL {
  const parts = URL_PARTS.exec(url);
  const parsable =
    parts !== null && (parts[3] ?? "").includes(",")
      ? `${parts[1] ?? ""}${parts[2] ?? ""}hosts${parts[4] ?? ""}`
      : url;
  try {
    return new URL(parsable);
  } catch {
    throw new RedisUrlError(`${redactUrl(url)}: not a URL (expected e.g. redis://127.0.0.1:6379)`);
  }
}

/** URL only parses one host; the host list of a Sentinel or Cluster URL is taken from the raw text. */
function hostsOf(parsed: URL, url: string, defaultPort: number): { host: string; port: number }[] {
  const afterScheme = url.slice(parsed.protocol.length + 2);
  const authority = afterScheme.split(/[/?]/)[0] ?? "";
  const hostList = authority.includes("@") ? authority.slice(authority.lastIndexOf("@") + 1) : authority;
  const hosts = hostList
    .split(",")
    .filter((h) => h !== "")
    .map((h) => {
      const colon = h.lastIndexOf(":");
      const host = colon < 0 ? h : h.slice(0, colon);
      const port = colon < 0 ? defaultPort : Number(h.slice(colon + 1));
      if (!Number.isInteger(port) || port <= 0 || port > 65535) {
        throw new RedisUrlError(`${redactUrl(url)}: bad port in "${h}"`);
      }
      return { host, port };
    });
  if (hosts.length === 0) throw new RedisUrlError(`${redactUrl(url)}: no hosts`);
  return hosts;
}
