// Entry point of the live writer child process, so the reader's work never delays a write:
// node dist/bench/live/live-writer-main.js <kubeconfig> <writes-per-second> <population-pods> <result-file>
// Writes until SIGTERM, then writes its WriterResult as JSON to <result-file> and exits.
import { writeFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { NAMESPACE_COUNT, namespaceName, podPlacement } from "../fixtures.js";
import { startWriter } from "../freshness/writer.js";
import { kubeTarget } from "../http-target.js";

const [kubeconfig, rate, pods, resultFile] = process.argv.slice(2);
if (kubeconfig === undefined || rate === undefined || pods === undefined || resultFile === undefined) {
  process.stderr.write(
    "usage: live-writer-main <kubeconfig> <writes-per-second> <population-pods> <result-file>\n",
  );
  process.exit(2);
}
const config = new KubeConfig();
config.loadFromFile(kubeconfig);
const seed = Array.from({ length: Number(pods) }, (_, i) => {
  const { namespace, name } = podPlacement(i);
  return `${namespace}/${name}`;
});
const writer = startWriter({
  api: kubeTarget("kube-apiserver", config),
  namespaceFor: (created) => namespaceName(created % NAMESPACE_COUNT),
  seed,
  writesPerSecond: Number(rate),
});
process.stdout.write(`live writer: ${rate} writes/s over ${pods} population pods\n`);
process.once("SIGTERM", () => {
  void writer.stop().then((result) => {
    writeFileSync(resultFile, JSON.stringify(result));
    process.exit(0);
  });
});
