/**
 * Bounds on watches, which are long-lived and hold memory while their client is slow:
 * - at most `maxWatches` at once, and `maxWatchesPerUser` per authenticated user (429 beyond,
 *   with Retry-After, as the API server's max-in-flight filter answers);
 * - the bytes buffered for clients that do not read fast enough. All watches share
 *   `bufferBudgetBytes` (by default a quarter of the pod's memory limit, read from the
 *   cgroup). Each watch reports what it holds unsent after every write (and 0 on drain); a
 *   watch over MAX_WATCH_BUFFER_BYTES, or over MIN_WATCH_BUFFER_BYTES while the total is over
 *   the budget, is closed, so its client relists and resumes (docs/api-contract.md). What is counted
 *   is the last reported size, an upper bound of what is still buffered.
 */
import { readFileSync } from "node:fs";
import { totalmem } from "node:os";
import { TooManyRequestsError } from "../errors.js";

export const DEFAULT_MAX_WATCHES = 5_000;
/** An informer per kind and a few kubectl -w per person fit easily. */
export const DEFAULT_MAX_WATCHES_PER_USER = 100;
/** A watch may always buffer this much (a few large objects). */
export const MIN_WATCH_BUFFER_BYTES = 256 * 1024;
/** And never more than this, however few watches there are. */
export const MAX_WATCH_BUFFER_BYTES = 32 * 1024 * 1024;
/** Share of the memory limit that buffered watch output may use. */
const BUFFER_SHARE_OF_MEMORY = 0.25;
/** Seconds a client turned away should wait before trying again. */
const RETRY_AFTER_SECONDS = 5;

export interface WatchLimitOptions {
  readonly maxWatches?: number;
  readonly maxWatchesPerUser?: number;
  readonly bufferBudgetBytes?: number;
}

export interface WatchTicket {
  /** Reports the bytes this watch holds unsent; true when it must be closed (too slow). */
  buffered(bytes: number): boolean;
  /** Ends the watch's claim; idempotent. */
  release(): void;
}

export class WatchLimits {
  private total = 0;
  private bufferedBytes = 0;
  private readonly perUser = new Map<string, number>();
  readonly maxWatches: number;
  readonly maxWatchesPerUser: number;
  readonly bufferBudgetBytes: number;

  constructor(options: WatchLimitOptions = {}) {
    this.maxWatches = options.maxWatches ?? DEFAULT_MAX_WATCHES;
    this.maxWatchesPerUser = options.maxWatchesPerUser ?? DEFAULT_MAX_WATCHES_PER_USER;
    this.bufferBudgetBytes = options.bufferBudgetBytes ?? defaultBufferBudgetBytes();
  }

  /** Claims a watch for `user` (undefined: anonymous, only the total applies); throws 429 when over a limit. */
  open(user: string | undefined): WatchTicket {
    if (this.total >= this.maxWatches)
      throw new TooManyRequestsError(
        `too many watches (${this.maxWatches}); retry later`,
        RETRY_AFTER_SECONDS,
      );
    const owned = user === undefined ? 0 : (this.perUser.get(user) ?? 0);
    if (user !== undefined && owned >= this.maxWatchesPerUser) {
      throw new TooManyRequestsError(
        `too many watches for user "${user}" (${this.maxWatchesPerUser}); retry later`,
        RETRY_AFTER_SECONDS,
      );
    }
    this.total += 1;
    if (user !== undefined) this.perUser.set(user, owned + 1);
    let released = false;
    let mine = 0;
    return {
      buffered: (bytes) => {
        if (released) return false;
        this.bufferedBytes += bytes - mine;
        mine = bytes;
        return (
          mine > MAX_WATCH_BUFFER_BYTES ||
          (mine > MIN_WATCH_BUFFER_BYTES && this.bufferedBytes > this.bufferBudgetBytes)
        );
      },
      release: () => {
        if (released) return;
        released = true;
        this.bufferedBytes -= mine;
        this.total -= 1;
        if (user === undefined) return;
        const left = (this.perUser.get(user) ?? 1) - 1;
        if (left === 0) this.perUser.delete(user);
        else this.perUser.set(user, left);
      },
    };
  }

  get openWatches(): number {
    return this.total;
  }

  /** Bytes last reported unsent, over all watches. */
  get bufferedBytesTotal(): number {
    return this.bufferedBytes;
  }
}

/** Whose watch limit a request counts against: the user, or none for anonymous (auth=none). */
export function watchOwner(user: { readonly username: string }): string | undefined {
  return user.username === "system:anonymous" ? undefined : user.username;
}

/** A quarter of the cgroup memory limit (v2 `memory.max`, v1 `memory.limit_in_bytes`), else of the machine's memory. */
export function defaultBufferBudgetBytes(): number {
  const limit =
    memoryLimitFrom(readText("/sys/fs/cgroup/memory.max")) ??
    memoryLimitFrom(readText("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
  return Math.floor(Math.min(limit ?? totalmem(), totalmem()) * BUFFER_SHARE_OF_MEMORY);
}

/** The bytes of a cgroup memory limit file; undefined for "max", absent or unparseable. */
export function memoryLimitFrom(text: string | undefined): number | undefined {
  const value = text?.trim();
  if (value === undefined || !/^[0-9]+$/.test(value)) return undefined;
  const bytes = Number(value);
  // cgroup v1 reports "no limit" as a huge number (PAGE_COUNTER_MAX pages).
  return bytes > 0 && bytes < 2 ** 60 ? bytes : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
