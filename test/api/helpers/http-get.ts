import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { checkServerIdentity, type PeerCertificate } from "node:tls";

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP(S) request with the whole body read; never throws for a non-2xx status. */
export function httpGet(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    rawPath?: string;
    /** For https URLs: the CA to trust (PEM). */
    ca?: string | Buffer;
    /** TLS name to verify the server certificate against, when the Host header says otherwise. */
    servername?: string;
  } = {},
): Promise<HttpResult> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: options.rawPath ?? target.pathname + target.search,
        method: options.method ?? "GET",
        headers: options.headers ?? {},
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        ...(options.servername !== undefined
          ? {
              servername: options.servername,
              checkServerIdentity: (_host: string, cert: PeerCertificate) =>
                checkServerIdentity(options.servername ?? "", cert),
            }
          : {}),
      },
      (res) => {
        res.setEncoding("utf8");
        let body = "";
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

export function json<T = Record<string, unknown>>(result: HttpResult): T {
  return JSON.parse(result.body) as T;
}
