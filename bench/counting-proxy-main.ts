// Entry point of the counting proxy child process:
// node dist/bench/counting-proxy-main.js <upstream-url> <port> <cert-dir>
// where cert-dir holds the API server's apiserver.crt (also the CA, it is self-signed) and apiserver.key.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startCountingProxy } from "./counting-proxy.js";

const [upstream, port, certDir] = process.argv.slice(2);
if (upstream === undefined || port === undefined || certDir === undefined) {
  process.stderr.write("usage: counting-proxy-main <upstream-url> <port> <cert-dir>\n");
  process.exit(2);
}
const cert = readFileSync(join(certDir, "apiserver.crt"));
await startCountingProxy({
  upstream: new URL(upstream),
  host: "127.0.0.1",
  port: Number(port),
  ca: cert,
  cert,
  key: readFileSync(join(certDir, "apiserver.key")),
});
process.stdout.write(`counting proxy on https://127.0.0.1:${port} -> ${upstream}\n`);
