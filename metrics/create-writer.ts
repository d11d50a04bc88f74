/**
 * The writer for the configured API. With `auto`, the API is detected on the first write
 * (not at startup), so the exporter starts, and keeps reading Redis, while InfluxDB is down;
 * a failed detection is a retriable write error like any other.
 */
import { detectApi } from "./detect-api.js";
import type { InfluxOptions } from "./influx-options.js";
import type { InfluxWriter } from "./influx-writer.js";
import { V1Writer } from "./v1-writer.js";
import { V2Writer } from "./v2-writer.js";

export function createInfluxWriter(
  options: InfluxOptions,
  onDetected: (api: string, version: string) => void = () => undefined,
): InfluxWriter {
  switch (options.api ?? "auto") {
    case "v1":
      return new V1Writer(options);
    case "v2":
      return new V2Writer(options);
    default:
      return new DetectingWriter(options, onDetected);
  }
}

class DetectingWriter implements InfluxWriter {
  private delegate: InfluxWriter | undefined;

  constructor(
    private readonly options: InfluxOptions,
    private readonly onDetected: (api: string, version: string) => void,
  ) {}

  get api(): string {
    return this.delegate?.api ?? "unknown";
  }

  async write(lines: readonly string[]): Promise<void> {
    if (this.delegate === undefined) {
      const { api, version } = await detectApi(this.options);
      if (api === "v2" && /^v?1\./.test(version)) {
        // InfluxDB 1.8+ takes /api/v2/write into an existing database only ("db/rp" bucket).
        await new V1Writer(this.options).createDatabase();
      }
      this.delegate = api === "v1" ? new V1Writer(this.options) : new V2Writer(this.options);
      this.onDetected(api, version);
    }
    await this.delegate.write(lines);
  }

  async close(): Promise<void> {
    await this.delegate?.close();
  }
}
