/**
 * DNS rebinding defence for `--auth=none`: a web page can point a name it controls at
 * 127.0.0.1 and read krm from the victim's browser, but the browser still sends that name in
 * `Host`. Only requests naming an allowed host are served (loopback names and addresses by
 * default; `--allowed-hosts` adds names, `*` allows any). Health endpoints are exempt so
 * probes that address the pod by IP keep working; they reveal nothing with auth on.
 */

/** Names a local client uses for a loopback listener. */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "::1"];

/** The hostname of a Host header (port and IPv6 brackets removed, lower case), or undefined when malformed. */
export function hostnameOf(host: string | undefined): string | undefined {
  if (host === undefined || host === "") return undefined;
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    if (end < 0) return undefined;
    const rest = value.slice(end + 1);
    if (rest !== "" && !/^:[0-9]{1,5}$/.test(rest)) return undefined;
    return value.slice(1, end);
  }
  const match = /^([^:]+)(:[0-9]{1,5})?$/.exec(value);
  return match?.[1]?.replace(/\.$/, "");
}

/** Whether a request with this Host may be served; `allowed` holds lower-case names or `*`. */
export function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (allowed.has("*")) return true;
  const name = hostnameOf(host);
  if (name === undefined) return false;
  return (
    allowed.has(name) ||
    (name.endsWith(".localhost") && allowed.has("localhost")) ||
    (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name) && allowed.has("127.0.0.1"))
  );
}
