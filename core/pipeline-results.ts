/**
 * Replies of an executed MULTI or pipeline (ioredis `exec()`): `[error, value]` per command,
 * or null when a transaction was aborted. The one place that unwraps them.
 */

/** What ioredis `exec()` resolves to. */
export type PipelineResults = [error: Error | null, value: unknown][] | null;

/** One command's reply: its value, or the error Redis answered it with. */
export type PipelineReply =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: Error };

/** A transaction came back without replies (aborted, or the connection dropped). */
export class PipelineAbortedError extends Error {
  override readonly name = "PipelineAbortedError";
}

/**
 * The replies in order, each with its error, for callers that tolerate some failing
 * commands (e.g. XINFO on a stream that does not exist yet). Throws when `expected`
 * replies did not come back.
 */
export function pipelineReplies(results: PipelineResults, expected: number): PipelineReply[] {
  if (results === null || results.length < expected)
    throw new PipelineAbortedError(`expected ${expected} replies, got ${results?.length ?? "none"}`);
  return results.map(([error, value]) => (error === null ? { ok: true, value } : { ok: false, error }));
}

/** The values in order; throws the first command's error, or when replies are missing. */
export function pipelineValues(results: PipelineResults, expected: number): unknown[] {
  return pipelineReplies(results, expected).map(replyValue);
}

/** The value of one reply; throws its error (or when there is no such reply). */
export function replyValue(reply: PipelineReply | undefined): unknown {
  if (reply === undefined) throw new PipelineAbortedError("missing reply");
  if (!reply.ok) throw reply.error;
  return reply.value;
}

/** A reply that is a hash (HGETALL): a record of strings; anything else is an empty record. */
export function asHash(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return {};
  return value as Record<string, string>;
}
