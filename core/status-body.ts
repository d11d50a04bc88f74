/** Longest part of a non-JSON error body kept as a synthetic Status' message. */
const MAX_MESSAGE_CHARS = 500;

/**
 * The Status in an error response's body: the JSON object the server sent, or, when the body
 * is not one (a proxy's HTML page, an empty body), a Status with the HTTP code and the start
 * of the body, else the status text, as its message. The API server's answers (core/kube-http.ts)
 * and krm's (the client) are read through this one rule.
 */
export function statusOfBody(
  body: string,
  code: number,
  statusText: string | undefined,
): Readonly<Record<string, unknown>> {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // not JSON: the synthetic Status below
  }
  return { code, message: body.slice(0, MAX_MESSAGE_CHARS) || statusText || "" };
}
