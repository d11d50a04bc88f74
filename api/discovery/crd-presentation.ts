/**
 * A custom kind (`--kinds group/version/resource/Kind`) as the API server presents it: its
 * CustomResourceDefinition's short names, categories and the served version's
 * `additionalPrinterColumns`, read once when the API part starts, so discovery and
 * `kubectl get` tables through krm equal the API server's. A kind whose CRD cannot be read
 * (no kubeconfig, no RBAC for CRDs, not a CRD) keeps its configured presentation.
 */
import type { KubeAccess } from "../../core/kube-access.js";
import { findBuiltinKind, type KindSpec, type PrinterColumn } from "../../core/kinds.js";
import { kubeGetJson } from "../../core/kube-http.js";
import type { Logger } from "../../core/logger.js";

/** Reading a CRD takes milliseconds; startup must not hang on an unreachable API server. */
export const CRD_READ_TIMEOUT_MS = 10_000;

export type CrdReader = (name: string) => Promise<unknown>;

export function crdReader(kubeConfig: KubeAccess, timeoutMs = CRD_READ_TIMEOUT_MS): CrdReader {
  return (name) =>
    kubeGetJson(kubeConfig, {
      path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(name)}`,
      timeoutMs,
    });
}

/** The kinds with each custom kind's CRD presentation filled in; built-in kinds as given. */
export async function withCrdPresentation(
  kinds: readonly KindSpec[],
  read: CrdReader,
  logger: Logger,
): Promise<KindSpec[]> {
  return Promise.all(
    kinds.map(async (kind) => {
      if (kind.group === "" || findBuiltinKind(kind.id) !== undefined) return kind;
      try {
        return presentationOf(kind, await read(kind.id));
      } catch (error) {
        logger.warn(
          { kind: kind.id, err: error },
          "cannot read the kind's CustomResourceDefinition: serving it without short names, categories or printer columns",
        );
        return kind;
      }
    }),
  );
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** Merges a CRD object (apiextensions.k8s.io/v1) into the kind's spec. */
export function presentationOf(kind: KindSpec, crd: unknown): KindSpec {
  const spec = obj(obj(crd)["spec"]);
  const names = obj(spec["names"]);
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].map(obj) : [];
  const version = versions.find((v) => v["name"] === kind.version);
  const columns = Array.isArray(version?.["additionalPrinterColumns"])
    ? version["additionalPrinterColumns"].map(obj).map((c): PrinterColumn => ({
        name: str(c["name"]),
        type: str(c["type"]),
        format: str(c["format"]),
        description: str(c["description"]),
        priority: typeof c["priority"] === "number" ? c["priority"] : 0,
        jsonPath: str(c["jsonPath"]),
      }))
    : [];
  return {
    ...kind,
    shortNames: strings(names["shortNames"]),
    categories: strings(names["categories"]),
    printerColumns: columns,
  };
}
