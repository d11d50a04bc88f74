import { FLAGS, SUBCOMMANDS, flagsFor, type Subcommand } from "./flags.js";

const SUMMARIES: Readonly<Record<Subcommand, string>> = {
  run: "run every part for every configured kind in one process (development, small clusters)",
  streamer: "watch one kind and append its events to Redis",
  verifier: "relist one kind periodically and swap in a verified snapshot",
  aggregator: "merge the verified snapshot and the event stream of one kind into the served state",
  api: "serve the cached state over a Kubernetes-shaped HTTP API",
  metrics: "export stream delay, drift, watch health and usage history to InfluxDB",
  status: "show the freshness of every kind of a running krm, like kubectl get",
  ledger: "account reserved resource-seconds per pod and PVC into hourly usage buckets in Redis",
  report:
    "print a running krm's usage (report usage --from --to --group-by --cost) or right-sizing advice (report rightsizing)",
};

export function mainHelp(): string {
  const width = Math.max(...SUBCOMMANDS.map((c) => c.length));
  return [
    "krm — a verified, always-fresh cache of Kubernetes cluster state",
    "",
    "Usage: krm <command> [flags]",
    "",
    "Commands:",
    ...SUBCOMMANDS.map((c) => `  ${c.padEnd(width)}  ${SUMMARIES[c]}`),
    "",
    "Run 'krm <command> --help' for the flags of a command. Every flag has an environment twin.",
  ].join("\n");
}

export function commandHelp(command: Subcommand): string {
  const lines = flagsFor(command).map((flag) => {
    const long = flag.type === "boolean" ? `--${flag.name}` : `--${flag.name} <value>`;
    const name = flag.short === undefined ? long : `-${flag.short}, ${long}`;
    const env = flag.env === undefined ? "" : ` [env ${flag.env}]`;
    const fallback = flag.default === undefined ? "" : ` (default ${flag.default})`;
    return `  ${name}\n      ${flag.description}${fallback}${env}`;
  });
  return [`Usage: krm ${command} [flags]`, "", SUMMARIES[command], "", "Flags:", ...lines].join("\n");
}

/** Every env twin, for docs and tests. */
export function environmentVariables(): string[] {
  return FLAGS.flatMap((flag) => (flag.env === undefined ? [] : [flag.env]));
}
