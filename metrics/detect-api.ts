/**
 * Picks the write API from InfluxDB's `/ping` answer: the `X-Influxdb-Version` header is
 * `1.6.7~rc0`, `1.8.10`, `2.7.1`, `v2.7.4`, `3.0.0`… Versions below 1.8 lack `/api/v2/write`
 * and get v1 `/write`; everything else (including a missing header, as some proxies strip
 * it) gets v2.
 */
import { DEFAULT_WRITE_TIMEOUT_MS, type InfluxOptions } from "./influx-options.js";
import { InfluxWriteError } from "./influx-writer.js";

export type WriteApiVersion = "v1" | "v2";

export function apiForVersion(version: string | null | undefined): WriteApiVersion {
  const match = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  if (match === null) return "v2";
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major < 1 || (major === 1 && minor < 8) ? "v1" : "v2";
}

export async function detectApi(options: InfluxOptions): Promise<{ api: WriteApiVersion; version: string }> {
  let response: Response;
  try {
    response = await fetch(`${options.url.replace(/\/$/, "")}/ping`, {
      signal: AbortSignal.timeout(options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS),
    });
  } catch (error) {
    throw new InfluxWriteError(`InfluxDB /ping failed: ${String(error)}`, true, { cause: error });
  }
  await response.body?.cancel();
  if (response.status >= 300) {
    throw new InfluxWriteError(`InfluxDB /ping answered ${response.status}`, true);
  }
  const version = response.headers.get("x-influxdb-version") ?? "";
  return { api: apiForVersion(version), version };
}
