// `npm run cluster:up [-- --no-lifelike]`: a local cluster in the foreground until Ctrl-C/SIGTERM.
// kube-apiserver + etcd, and unless --no-lifelike also kube-scheduler, kube-controller-manager
// and kwok (nodes Ready, pods scheduled and Running, jobs finishing).
// Prints the kubeconfig path and server URL, then a line `ready` once kubectl can use it.
import { parseArgs } from "node:util";
import { startLocalCluster } from "./local-cluster.js";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "no-lifelike": { type: "boolean" } }, strict: true });
  const lifelike = values["no-lifelike"] !== true;
  const cluster = await startLocalCluster({ lifelike });
  let stopping = false;
  const shutDown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping the local cluster\n`);
    cluster.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutDown);
  process.on("SIGTERM", shutDown);
  const components = lifelike ? "kube-scheduler, kube-controller-manager, kwok" : "none (--no-lifelike)";
  process.stdout.write(
    `kubeconfig: ${cluster.kubeconfigPath}\nserver: ${cluster.url}\nlifelike: ${components}\nready\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster:up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
