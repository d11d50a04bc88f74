/**
 * Writes through `@influxdata/influxdb-client`'s WriteApi (`/api/v2/write`): InfluxDB 1.8+,
 * 2.x and 3.x. The library's own batching and retry buffer are switched off (maxRetries 0,
 * no flush timer): the exporter's bounded buffer and flusher own those, so there is one
 * bound on memory and one place that counts drops. On 1.8 the v2 API maps `bucket` to
 * `database/retentionPolicy` and the token to `username:password`.
 */
import { HttpError, InfluxDB, type WriteApi } from "@influxdata/influxdb-client";
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_DATABASE,
  DEFAULT_WRITE_TIMEOUT_MS,
  type InfluxOptions,
} from "./influx-options.js";
import { InfluxWriteError, isRetriableStatus, type InfluxWriter } from "./influx-writer.js";

/** Any org works on 1.8 (it is ignored there); 2.x/3.x need the real one configured. */
const PLACEHOLDER_ORG = "-";

export class V2Writer implements InfluxWriter {
  readonly api = "v2";
  private readonly writeApi: WriteApi;

  constructor(options: InfluxOptions) {
    const bucket =
      options.bucket ??
      `${options.database ?? DEFAULT_DATABASE}${options.retentionPolicy !== undefined ? `/${options.retentionPolicy}` : ""}`;
    const token =
      options.token ??
      (options.username !== undefined ? `${options.username}:${options.password ?? ""}` : undefined);
    const client = new InfluxDB({
      url: options.url,
      timeout: options.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS,
      ...(token !== undefined ? { token } : {}),
    });
    // The library sends (and swallows the error of) a batch on its own once it holds
    // `batchSize` lines or `maxBatchBytes`; both are set above what one `write` passes in, so
    // every send happens in `flush()`, whose failure reaches the caller. (`batchSize` also
    // sizes an array: it must stay a real size.)
    this.writeApi = client.getWriteApi(options.org ?? PLACEHOLDER_ORG, bucket, "ns", {
      maxRetries: 0,
      flushInterval: 0,
      batchSize: (options.batchSize ?? DEFAULT_BATCH_SIZE) + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
    });
  }

  async write(lines: readonly string[]): Promise<void> {
    this.writeApi.writeRecords([...lines]);
    try {
      await this.writeApi.flush();
    } catch (error) {
      throw toWriteError(error);
    }
  }

  async close(): Promise<void> {
    this.writeApi.dispose();
    return Promise.resolve();
  }
}

function toWriteError(error: unknown): InfluxWriteError {
  if (error instanceof HttpError) {
    return new InfluxWriteError(
      `InfluxDB /api/v2/write answered ${error.statusCode}: ${error.message}`,
      isRetriableStatus(error.statusCode),
      { cause: error },
    );
  }
  return new InfluxWriteError(`InfluxDB unreachable: ${String(error)}`, true, { cause: error });
}
