/**
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` (what `kubectl get` sends): the
 * answer is a `meta.k8s.io` Table whose rows carry the kind's printing columns, and as
 * the row object the object's metadata (`includeObject=Metadata`, the default), the whole
 * object (`Object`) or nothing (`None`).
 */
import { BadRequestError } from "../errors.js";
import { negotiatedVersion, type JsonForm } from "../http/accept.js";
import { parseCachedObject, type CachedObject } from "../replica/cached-object.js";
import type { KindSpec } from "../../core/kinds.js";
import { builtinTableSpec, NAME_AGE_TABLE, type TableSpec } from "./columns.js";
import { printerColumnsTable } from "./printer-columns.js";

const TABLE_FORM: JsonForm = { as: "Table", group: "meta.k8s.io", versions: ["v1", "v1beta1"] };

export type IncludeObject = "None" | "Metadata" | "Object";

export interface TableRequest {
  /** `meta.k8s.io/v1` or `meta.k8s.io/v1beta1`, as the client asked. */
  readonly apiVersion: string;
  readonly includeObject: IncludeObject;
}

/** The Table the client asked for, or undefined for a plain JSON answer. */
export function tableRequestOf(
  accept: string | undefined,
  params: URLSearchParams,
): TableRequest | undefined {
  const version = negotiatedVersion(accept, TABLE_FORM);
  if (version === undefined) return undefined;
  const include = params.get("includeObject") ?? "Metadata";
  if (include !== "None" && include !== "Metadata" && include !== "Object") {
    throw new BadRequestError(
      `invalid includeObject "${include.slice(0, 50)}": expected None, Metadata or Object`,
    );
  }
  return { apiVersion: `meta.k8s.io/${version}`, includeObject: include };
}

/** The kind's columns: its built-in printer, its CRD's printer columns, else Name and Age. */
export function tableSpecFor(kind: KindSpec): TableSpec {
  const builtin = builtinTableSpec(kind.id);
  if (builtin !== undefined) return builtin;
  return kind.printerColumns === undefined ? NAME_AGE_TABLE : printerColumnsTable(kind.printerColumns);
}

export function tableBody(
  kind: KindSpec,
  request: TableRequest,
  objects: readonly CachedObject[],
  metadataJson: string,
  now: number,
  withColumns = true,
): string {
  const spec = tableSpecFor(kind);
  const rows = objects.map((o) => rowJson(spec, request, o, now)).join(",");
  const columns = withColumns ? JSON.stringify(spec.columns) : "[]";
  return `{"kind":"Table","apiVersion":${JSON.stringify(request.apiVersion)},"metadata":${metadataJson},"columnDefinitions":${columns},"rows":[${rows}]}`;
}

function rowJson(spec: TableSpec, request: TableRequest, object: CachedObject, now: number): string {
  // Parsed per row: the replica keeps only bytes and a selector view (see CachedObject).
  const parsed = parseCachedObject(object);
  const cells = JSON.stringify(spec.cells(parsed, now));
  switch (request.includeObject) {
    case "None":
      return `{"cells":${cells}}`;
    case "Object":
      return `{"cells":${cells},"object":${object.bytes.toString("utf8")}}`;
    case "Metadata":
      return `{"cells":${cells},"object":{"kind":"PartialObjectMetadata","apiVersion":${JSON.stringify(request.apiVersion)},"metadata":${JSON.stringify(parsed.metadata)}}}`;
  }
}
