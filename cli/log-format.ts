import type { LogFormat } from "../core/logger.js";
import { UsageError } from "./usage-error.js";

/** `--log-format`: json and pretty as asked; auto is pretty on a terminal and JSON otherwise. */
export function logFormat(value: string | boolean | undefined, stdoutIsTty: boolean): LogFormat {
  const format = typeof value === "string" ? value : "auto";
  switch (format) {
    case "json":
    case "pretty":
      return format;
    case "auto":
      return stdoutIsTty ? "pretty" : "json";
    default:
      throw new UsageError(`--log-format=${format}: expected auto, json or pretty`);
  }
}
