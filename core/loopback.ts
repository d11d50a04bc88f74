/**
 * The one loopback check: an address only this machine can reach. `auth=none` is refused
 * anywhere else (docs/api-contract.md, "Authentication").
 */
import { isIP } from "node:net";

/**
 * True for `localhost`, any 127.0.0.0/8 address and IPv6 `::1`, written bare or in URL
 * brackets (`[::1]`), as a listen host may be given either way.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare === "0:0:0:0:0:0:0:1";
  return false;
}
