/**
 * Keeps secrets out of logs and error messages (deploy/README.md, "Security model").
 *
 * Two nets, both applied to every log line (core/logger.ts) and to the one-line errors the
 * CLI prints:
 * - by shape: the password of any `scheme://user:password@host` URL, query parameters named
 *   like a password or token, `Bearer`/`Basic`/`Token <credential>`, and JSON string fields named like a password
 *   or token;
 * - by value: every secret the process was given (`registerSecret`, called for secret-bearing
 *   flags at start and for URLs a connection is opened with), in the forms it can appear in a
 *   line — as is, percent-encoded (inside a URL) and JSON-escaped (inside a JSON log line).
 */

/** What a secret is replaced with. */
export const REDACTED = "***";

/**
 * Shorter values are not registered: replacing every "ab" in every line would garble logs
 * and reveal nothing an attacker could not guess anyway.
 */
export const MIN_SECRET_LENGTH = 4;

/** Query parameters whose value is a secret: `password`, `sentinel-password`, `token`, `auth-token`, … */
const SECRET_PARAMETER = /(?:password|token|secret)$/i;

const URL_USERINFO_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/?#"']*):([^\s@/?#"']+)@/gi;
// The value stops at ":" too: a message goes on after a URL with ": why", and a redacted
// value must not swallow it (values with ":" are caught by value, once registered).
const QUERY_SECRET = /([?&][\w.-]*(?:password|token|secret)=)[^&#\s"':]+/gi;
// Credentials are long; a short word after "Token" or "Basic" in a message is left alone.
const AUTH_SCHEME = /\b((?:Bearer|Basic|Token)\s+)[\w.~+/=-]{8,}/g;
const JSON_SECRET_FIELD = /("(?:\w*(?:password|token|secret)|authorization)"\s*:\s*")(?:[^"\\]|\\.)*"/gi;

const secrets = new Set<string>();
/** Registered secrets in every encoded form, longest first (so a prefix never leaves a tail). */
let patterns: readonly string[] = [];

/** Remembers a secret so that `redactSecrets` removes it wherever it appears. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(JSON.stringify(encodeURIComponent(secret)).slice(1, -1));
  }
  patterns = [...forms].sort((a, b) => b.length - a.length);
}

/** Registers the password (and secret query parameters) a connection URL carries. */
export function registerUrlSecrets(url: string): void {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1];
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    if (colon >= 0) registerSecret(safeDecode(userinfo.slice(colon + 1)));
  }
  const query = url.indexOf("?");
  if (query < 0) return;
  for (const [name, value] of new URLSearchParams(url.slice(query + 1).split("#")[0])) {
    if (SECRET_PARAMETER.test(name)) registerSecret(value);
  }
}

/** A connection URL with its password and secret query parameters replaced, for messages. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*):[^/?#]*@/i, `$1:${REDACTED}@`)
    .replace(QUERY_SECRET, `$1${REDACTED}`);
}

/** `text` with every secret it contains replaced by {@link REDACTED}. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of patterns) {
    if (result.includes(pattern)) result = result.split(pattern).join(REDACTED);
  }
  return result
    .replace(URL_USERINFO_PASSWORD, `$1:${REDACTED}@`)
    .replace(QUERY_SECRET, `$1${REDACTED}`)
    .replace(AUTH_SCHEME, `$1${REDACTED}`)
    .replace(JSON_SECRET_FIELD, `$1${REDACTED}"`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
