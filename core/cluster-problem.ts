/**
 * Why the API server cannot be used, in words a person acts on: one line per cause
 * (unreachable, TLS, credentials refused, a missing permission, a missing API), so a broken
 * kubeconfig is reported once instead of once per kind per retry. Transient failures a retry
 * cures by itself (a reset watch, a 5xx, a 410) are not problems in this sense.
 */
import { KubeApiError } from "./kube-errors.js";

export interface ClusterProblem {
  /** Same cause, same key: failures of many kinds with one key are reported as one. */
  readonly key: string;
  /** One line saying what is wrong and what to check. */
  readonly text: string;
}

/** Errors that mean the server is not there (or not at this address). */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
};

/** Node's TLS verification and handshake failures (codes from OpenSSL and node's tls module). */
const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
]);

export function clusterProblem(error: unknown, server: string, kind: string): ClusterProblem | undefined {
  if (error instanceof KubeApiError) return apiProblem(error, server, kind);
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const unreachable = UNREACHABLE[code];
  if (unreachable !== undefined) {
    return {
      key: `unreachable:${code}`,
      text: `cannot reach the cluster at ${server}: ${unreachable} (is the API server running, and is the kubeconfig's server address right?)`,
    };
  }
  if (TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_")) {
    return {
      key: `tls:${code}`,
      text: `TLS with ${server} failed: ${error.message} (check the kubeconfig's certificate-authority-data and the server address)`,
    };
  }
  if (error.name === "TimeoutError") {
    return {
      key: "unreachable:timeout",
      text: `the cluster at ${server} does not answer in time (a firewall dropping packets, or an overloaded API server)`,
    };
  }
  return undefined;
}

function apiProblem(error: KubeApiError, server: string, kind: string): ClusterProblem | undefined {
  const message = error.status.message ?? "";
  switch (error.statusCode) {
    case 401:
      return {
        key: "401",
        text: `the cluster at ${server} refused the credentials (401 Unauthorized): the kubeconfig's token or client certificate is wrong or expired`,
      };
    case 403:
      return {
        key: `403:${kind}`,
        text: `permission denied (403 Forbidden) for ${kind}: ${message || "no message"} (krm needs list and watch on it)`,
      };
    case 404:
      return {
        key: `404:${kind}`,
        text: `the cluster at ${server} does not serve ${kind} (404 Not Found): is its API group or CRD installed? (or leave it out of --kinds)`,
      };
    default:
      return undefined;
  }
}
