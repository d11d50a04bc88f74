/**
 * POSTs one review object (TokenReview, SubjectAccessReview) to the API server and returns
 * its answer, with a deadline: a slow or blackholed API server must not hold requests (and
 * their sockets) open, so a review that takes longer than `timeoutMs` fails instead.
 * Server URL, TLS and credentials come from the kubeconfig (core/kube-access.ts), whose
 * agent keeps connections alive; a review sent on a kept connection that the server closed
 * just then (a reset, EPIPE or "socket hang up" before any answer) is sent once more, on a
 * new connection if no other is free. A review changes nothing on the server, so sending it
 * twice is safe; both tries share the one deadline.
 */
import { kubeRequestTarget, type KubeAccess } from "../../core/kube-access.js";
import { KubeApiError } from "../../core/kube-errors.js";
import { parseStatus } from "../../core/kube-http.js";

/** The API server answers a review in milliseconds; 5 s means it is in trouble. */
export const REVIEW_TIMEOUT_MS = 5_000;

export type ReviewPoster = (path: string, body: unknown) => Promise<unknown>;

export function reviewPoster(kubeConfig: KubeAccess, timeoutMs = REVIEW_TIMEOUT_MS): ReviewPoster {
  return async (path, body) => {
    const payload = JSON.stringify(body);
    const { url, options, transport } = await kubeRequestTarget(kubeConfig, path, {
      method: "POST",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(payload),
      },
    });
    const signal = AbortSignal.timeout(timeoutMs);
    const send = (mayRetry: boolean): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        let answered = false;
        const req = transport.request(url, { ...options, signal }, (response) => {
          answered = true;
          response.setEncoding("utf8");
          let text = "";
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
          response.on("error", reject);
        });
        req.on("error", (error) => {
          // The pattern of Node's http docs (request.reusedSocket): only a reused socket, only
          // a connection dropped before any answer.
          if (mayRetry && !answered && req.reusedSocket && isConnectionDrop(error)) resolve(send(false));
          else reject(error);
        });
        req.end(payload);
      });
    const { status, text } = await send(true);
    if (status < 200 || status > 299) throw new KubeApiError(status, parseStatus(text, status, ""));
    return JSON.parse(text) as unknown;
  };
}

/** A kept-alive connection the server closed under a request (Node reports "socket hang up" as ECONNRESET). */
function isConnectionDrop(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ECONNRESET" || code === "EPIPE" || error.message === "socket hang up";
}
