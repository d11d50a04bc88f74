import { readFileSync } from "node:fs";

/**
 * How long a bearer token read from a file is used before the file is read again: projected
 * service-account tokens are rotated by the kubelet, and client-go re-reads them this often.
 */
export const TOKEN_FILE_REFRESH_MS = 60_000;

/** A bearer token kept in a file, read when first needed and again after `refreshMs`. */
export class TokenFile {
  private token: string | undefined;
  private readAt = 0;

  constructor(
    private readonly path: string,
    private readonly refreshMs = TOKEN_FILE_REFRESH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  current(): string {
    if (this.token === undefined || this.now() - this.readAt >= this.refreshMs) {
      this.token = readFileSync(this.path, "utf8").trim();
      this.readAt = this.now();
    }
    return this.token;
  }
}
