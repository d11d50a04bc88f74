/**
 * Writes to InfluxDB 1.x's `/write` endpoint, which every 1.x speaks (Debian's 1.6 has no
 * `/api/v2/write`, and the client library's WriteApi only speaks v2). Lines come already
 * serialized by the library's `Point`. A missing database is created once (CREATE DATABASE
 * is idempotent) so a fresh InfluxDB needs no manual setup.
 */
import { DEFAULT_DATABASE, DEFAULT_WRITE_TIMEOUT_MS, type InfluxOptions } from "./influx-options.js";
import { InfluxWriteError, isRetriableStatus, type InfluxWriter } from "./influx-writer.js";

export class V1Writer implements InfluxWriter {
  readonly api = "v1";
  private readonly database: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: InfluxOptions) {
    this.database = options.database ?? DEFAULT_DATABASE;
    this.headers = { "content-type": "text/plain; charset=utf-8", ...authHeaders(options) };
  }

  async write(lines: readonly string[]): Promise<void> {
    const params = new URLSearchParams({ db: this.database, precision: "ns" });
    if (this.options.retentionPolicy !== undefined) params.set("rp", this.options.retentionPolicy);
    const response = await this.post(`/write?${params.toString()}`, lines.join("\n"));
    if (response.status === 204) return;
    const body = await response.text();
    if (response.status === 404 && body.includes("database not found")) {
      await this.createDatabase();
      throw new InfluxWriteError(`database ${this.database} did not exist; created it`, true);
    }
    throw new InfluxWriteError(
      `InfluxDB /write answered ${response.status}: ${body.slice(0, 500)}`,
      isRetriableStatus(response.status),
    );
  }

  async close(): Promise<void> {
    // Nothing held open: each write is its own request.
  }

  /** CREATE DATABASE (idempotent); also used before /api/v2/write on InfluxDB 1.8+, which needs it to exist. */
  async createDatabase(): Promise<void> {
    const body = new URLSearchParams({ q: `CREATE DATABASE "${this.database.replaceAll('"', '\\"')}"` });
    const response = await this.post("/query", body.toString(), {
      "content-type": "application/x-www-form-urlencoded",
    });
    if (response.status !== 200) {
      throw new InfluxWriteError(
        `CREATE DATABASE ${this.database} failed: ${response.status} ${(await response.text()).slice(0, 500)}`,
        isRetriableStatus(response.status),
      );
    }
  }

  private async post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    try {
      return await fetch(`${this.options.url.replace(/\/$/, "")}${path}`, {
        method: "POST",
        headers: { ...this.headers, ...headers },
        body,
        signal: AbortSignal.timeout(this.options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS),
      });
    } catch (error) {
      throw new InfluxWriteError(`InfluxDB unreachable: ${String(error)}`, true, { cause: error });
    }
  }
}

function authHeaders(options: InfluxOptions): Record<string, string> {
  if (options.token !== undefined) return { authorization: `Token ${options.token}` };
  if (options.username !== undefined) {
    const credentials = Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64");
    return { authorization: `Basic ${credentials}` };
  }
  return {};
}
