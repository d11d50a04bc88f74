// Entry point of the counting proxy child process:
// node dist/bench/counting-proxy-main.js <upstream-url> <port> [ca-file]
import { readFileSync } from "node:fs";
import { startCountingProxy } from "./counting-proxy.js";

const [upstream, port, caFile] = process.argv.slice(2);
if (upstream === undefined || port === undefined) {
  process.stderr.write("usage: counting-proxy-main <upstream-url> <port> [ca-file]\n");
  process.exit(2);
}
await startCountingProxy({
  upstream: new URL(upstream),
  host: "127.0.0.1",
  port: Number(port),
  ...(caFile === undefined ? {} : { ca: readFileSync(caFile) }),
});
process.stdout.write(`counting proxy on 127.0.0.1:${port} -> ${upstream}\n`);
