/**
 * Content negotiation on `Accept`, as the API server does it for the alternative JSON forms
 * a client may ask for by media-type parameters: `as=Table;g=meta.k8s.io;v=v1` (tables) and
 * `as=APIGroupDiscoveryList;g=apidiscovery.k8s.io;v=v2` (aggregated discovery). Only
 * `application/json` ranges count (krm answers JSON only); higher `q` wins, then order.
 */

/** What a client may ask for: `as` of group `g`, in one of `versions`. */
export interface JsonForm {
  readonly as: string;
  readonly group: string;
  /** Most preferred first. */
  readonly versions: readonly string[];
}

interface MediaRange {
  readonly mediaType: string;
  readonly parameters: ReadonlyMap<string, string>;
  readonly q: number;
}

function parseRange(text: string): MediaRange {
  const [mediaType = "", ...rest] = text.split(";").map((part) => part.trim());
  const parameters = new Map(
    rest.map((p) => {
      const equals = p.indexOf("=");
      return equals < 0 ? [p.toLowerCase(), ""] : [p.slice(0, equals).toLowerCase(), p.slice(equals + 1)];
    }),
  );
  const q = Number(parameters.get("q") ?? "1");
  return { mediaType: mediaType.toLowerCase(), parameters, q: Number.isFinite(q) ? q : 0 };
}

/** The version of `form` the client prefers, or undefined for the plain JSON answer. */
export function negotiatedVersion(accept: string | undefined, form: JsonForm): string | undefined {
  if (accept === undefined || !accept.includes(form.as)) return undefined;
  const ranges = accept
    .split(",")
    .map(parseRange)
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const range of ranges) {
    if (range.mediaType !== "application/json") continue;
    if (range.parameters.get("as") !== form.as || range.parameters.get("g") !== form.group) continue;
    const version = range.parameters.get("v");
    if (version !== undefined && form.versions.includes(version)) return version;
  }
  return undefined;
}

/** The Content-Type of an answer in `form`'s `version`: the media type with the same parameters. */
export function jsonFormContentType(form: JsonForm, version: string): string {
  return `application/json;g=${form.group};v=${version};as=${form.as}`;
}
