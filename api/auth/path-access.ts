import type { IncomingMessage } from "node:http";
import type { ClientInfo, RequestGuard } from "./types.js";

/** The client of a request, for per-address limits. */
export function clientOf(request: IncomingMessage): ClientInfo {
  return { address: request.socket.remoteAddress ?? "" };
}

/**
 * Authenticates the caller and checks it may `get` a non-resource URL (`/metrics`,
 * `/status`, `/dashboard/…`), as the API server guards its own `/metrics`. Under auth=none
 * everyone may.
 */
export async function authorizePath(
  guard: RequestGuard,
  request: IncomingMessage,
  path: string,
): Promise<void> {
  const user = await guard.authenticate(request.headers.authorization, clientOf(request));
  await guard.authorizePath(user, path);
}
