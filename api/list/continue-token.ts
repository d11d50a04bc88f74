/**
 * Continue tokens: opaque to clients, they bind a paginated list to one state (the feed
 * position and resourceVersion of its first page, and the epoch) and the last key served.
 * Stream positions are the same on every API replica, so any replica can serve the next page.
 * A token that does not decode is a 400; one whose state is no longer reconstructible is a
 * 410 Expired (decided by the list handler).
 */
import { BadRequestError } from "../errors.js";
import { isComparableResourceVersion } from "../../core/resource-version.js";
import { isStreamId, type StreamId } from "../../core/stream-id.js";

export interface ContinuePosition {
  /** Kind id, so a token cannot be replayed against another kind. */
  readonly kind: string;
  readonly epoch: string;
  readonly position: StreamId;
  readonly resourceVersion: string;
  /** The last key the previous page returned; the next page starts after it. */
  readonly lastKey: string;
}

const VERSION = 1;
const MAX_TOKEN_LENGTH = 4096;

export function encodeContinue(position: ContinuePosition): string {
  const payload = JSON.stringify({
    v: VERSION,
    k: position.kind,
    e: position.epoch,
    p: position.position,
    rv: position.resourceVersion,
    s: position.lastKey,
  });
  return Buffer.from(payload, "utf8").toString("base64url");
}

export function decodeContinue(token: string, kind: string): ContinuePosition {
  const invalid = (): never => {
    throw new BadRequestError(`invalid continue token "${token.slice(0, 100)}"`);
  };
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+={0,2}$/.test(token)) return invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    return invalid();
  }
  if (typeof parsed !== "object" || parsed === null) return invalid();
  const { v, k, e, p, rv, s } = parsed as Record<string, unknown>;
  if (
    v !== VERSION ||
    typeof k !== "string" ||
    typeof e !== "string" ||
    typeof p !== "string" ||
    typeof rv !== "string" ||
    typeof s !== "string"
  ) {
    return invalid();
  }
  if (!isStreamId(p) || !isComparableResourceVersion(rv) || s === "") return invalid();
  if (k !== kind) throw new BadRequestError(`continue token belongs to another resource (${k})`);
  return { kind: k, epoch: e, position: p, resourceVersion: rv, lastKey: s };
}
