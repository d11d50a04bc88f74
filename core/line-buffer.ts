/**
 * A text stream cut into lines as it arrives, for watch streams (one JSON object a line, as the
 * API server and krm send them): lines are trimmed and empty ones skipped. The Kubernetes API
 * server's streams and krm's own are read through this one rule (core/kube-http.ts, the client).
 */
export class LineBuffer {
  private pending = "";

  /** The lines `chunk` completes, in order. */
  push(chunk: string): string[] {
    if (!chunk.includes("\n")) {
      this.pending += chunk;
      return [];
    }
    const lines = (this.pending + chunk).split("\n");
    this.pending = lines.pop() ?? "";
    return nonEmpty(lines);
  }

  /** What is left once the stream has ended: a last line without its newline, if any. */
  end(): string[] {
    const last = this.pending;
    this.pending = "";
    return nonEmpty([last]);
  }
}

function nonEmpty(lines: readonly string[]): string[] {
  return lines.map((line) => line.trim()).filter((line) => line !== "");
}
