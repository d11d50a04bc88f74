import { spawn } from "node:child_process";

/** kubectl to run; the tests need one that has `kustomize` built in (1.14+). */
export const KUBECTL = process.env["KUBECTL"] ?? "kubectl";

/** kubectl commands against a local test API server finish in well under this. */
export const KUBECTL_TIMEOUT_MS = 60_000;

export interface KubectlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (`-f -`). */
  readonly input?: string;
  readonly timeoutMs?: number;
}

/** Runs kubectl and collects its output; never throws for a non-zero exit (see {@link kubectlOk}). */
export function runKubectl(args: readonly string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, [...args], {
      stdio: ["pipe", "pipe", "pipe"],
      timeout: options.timeoutMs ?? KUBECTL_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** Runs kubectl and returns its stdout; throws with the command and stderr when it fails. */
export async function kubectlOk(args: readonly string[], options: KubectlOptions = {}): Promise<string> {
  const result = await runKubectl(args, options);
  if (result.status !== 0) {
    throw new Error(`kubectl ${args.join(" ")} exited ${String(result.status)}:\n${result.stderr}`);
  }
  return result.stdout;
}
