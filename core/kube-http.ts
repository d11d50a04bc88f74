/**
 * Plain HTTP(S) to the API server: one GET that returns JSON, and one GET that streams
 * lines (a watch). Server URL, TLS and credentials come from the kubeconfig (core/kube-access.ts);
 * the bodies are parsed here so krm keeps the objects exactly as sent.
 * No retry logic lives here: callers classify failures with kube-errors.ts.
 */
import type { IncomingMessage } from "node:http";
import { kubeRequestTarget, type KubeAccess } from "./kube-access.js";
import { KubeApiError, type KubeStatus } from "./kube-errors.js";
import { LineBuffer } from "./line-buffer.js";
import { statusOfBody } from "./status-body.js";

export interface KubeGet {
  /** Path below the server URL, e.g. `/api/v1/pods`. */
  readonly path: string;
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Aborts the request (and a streaming body) at any point. */
  readonly signal?: AbortSignal;
  /** Whole-request deadline for `kubeGetJson`; default `KUBE_GET_TIMEOUT_MS`. */
  readonly timeoutMs?: number;
}

/** A whole-response GET never takes longer than this (a LIST page is small). */
export const KUBE_GET_TIMEOUT_MS = 60_000;

/** Issues a GET and resolves with the response once its status is 200; throws `KubeApiError` otherwise. */
export async function openKubeGet(kubeConfig: KubeAccess, request: KubeGet): Promise<IncomingMessage> {
  const { url, options, transport } = await kubeRequestTarget(kubeConfig, request.path, {
    headers: { Accept: "application/json" },
  });
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = transport.get(url, { ...options, signal: request.signal }, resolve);
    req.on("error", reject);
  });
  if (response.statusCode === 200) return response;
  const body = await readBody(response).catch(() => "");
  const code = response.statusCode ?? 0;
  throw new KubeApiError(code, parseStatus(body, code, response.statusMessage));
}

/** GET and parse the JSON body. Times out after `timeoutMs` (a blackholed connection never answers). */
export async function kubeGetJson(kubeConfig: KubeAccess, request: KubeGet): Promise<unknown> {
  const timeout = AbortSignal.timeout(request.timeoutMs ?? KUBE_GET_TIMEOUT_MS);
  const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
  const response = await openKubeGet(kubeConfig, { ...request, signal });
  return JSON.parse(await readBody(response)) as unknown;
}

/**
 * The lines of a streaming response, as they arrive. Ends when the server closes the
 * stream cleanly; throws on a network error or abort. Empty lines are skipped.
 */
export async function* responseLines(response: IncomingMessage): AsyncGenerator<string> {
  response.setEncoding("utf8");
  const lines = new LineBuffer();
  for await (const chunk of response as AsyncIterable<string>) yield* lines.push(chunk);
  // A response that ends mid-line was cut: node reports `aborted` via the iterator on
  // a reset, but a clean FIN mid-object is possible behind proxies, so check here too.
  if (!response.complete) throw Object.assign(new Error("watch response aborted"), { code: "ECONNRESET" });
  yield* lines.end();
}

async function readBody(response: IncomingMessage): Promise<string> {
  response.setEncoding("utf8");
  let body = "";
  for await (const chunk of response as AsyncIterable<string>) body += chunk;
  return body;
}

/** The Status of an error response (core/status-body.ts), narrowed to what krm reads. */
export function parseStatus(body: string, code: number, statusMessage: string | undefined): KubeStatus {
  return toStatus(statusOfBody(body, code, statusMessage));
}

export function toStatus(value: Readonly<Record<string, unknown>>): KubeStatus {
  const code = value["code"];
  const reason = value["reason"];
  const message = value["message"];
  return {
    ...(typeof code === "number" ? { code } : {}),
    ...(typeof reason === "string" ? { reason } : {}),
    ...(typeof message === "string" ? { message } : {}),
  };
}
