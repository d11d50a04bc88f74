// `npm run cluster:up`: a local kube-apiserver + etcd in the foreground until Ctrl-C/SIGTERM.
// Prints the kubeconfig path and server URL, then a line `ready` once kubectl can use it.
import { startLocalCluster } from "./local-cluster.js";

async function main(): Promise<void> {
  const cluster = await startLocalCluster();
  let stopping = false;
  const shutDown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping kube-apiserver and etcd\n`);
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
  process.stdout.write(`kubeconfig: ${cluster.kubeconfigPath}\nserver: ${cluster.url}\nready\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster:up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
