import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { HttpTarget } from "../http-target.js";
import { ONE_CLIENT, type AttackLoad } from "./cross-check-options.js";
import { parseVegetaReport, type VegetaReport } from "./vegeta-report.js";

const run = promisify(execFile);

/** vegeta's own per-request timeout; a request still open then counts as failed. */
const REQUEST_TIMEOUT_S = 30;
/** Past the attack and its last request's timeout, vegeta is stuck and is killed. */
const EXIT_GRACE_S = REQUEST_TIMEOUT_S + 30;

export interface Attack {
  /** Names the attack's files in `workDir` and vegeta's `-name`. */
  readonly name: string;
  /** Where to send, with which headers (the reader's bearer token) and CA; loopback only by construction. */
  readonly target: HttpTarget;
  /** Requested in turn, round-robin, as the bench's cells do. */
  readonly paths: readonly string[];
  readonly load: AttackLoad;
  /** HTTP/2 when the server offers it over TLS; otherwise HTTP/1.1. */
  readonly http2: boolean;
}

/**
 * vegeta's targets in its `http` format: one block per path with the headers the bench's
 * client sends. `identity` keeps Go from asking for gzip, which the bench's client never does,
 * so both clients read the same bytes. Tokens go in this file, not on a command line.
 */
export function vegetaTargets(target: HttpTarget, paths: readonly string[]): string {
  const headers = {
    Accept: "application/json",
    "Accept-Encoding": "identity",
    ...target.headers,
  };
  const headerLines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return paths
    .map((path) => [`GET ${new URL(path, target.baseUrl).href}`, ...headerLines, ""].join("\n"))
    .join("\n");
}

/** vegeta's flags for a constant rate, or for one client in a closed loop. */
export function rateArgs(load: AttackLoad): string[] {
  return load.perSecond === ONE_CLIENT
    ? ["-rate", "0", "-workers", "1", "-max-workers", "1"]
    : ["-rate", `${load.perSecond}/1s`];
}

/**
 * Runs one attack and returns vegeta's JSON report of it. Response bodies are
 * read to the end (latency is to the last byte, as in the bench) and discarded (`-max-body 0`).
 * The binary results stay in `workDir` for `vegeta plot` or `vegeta report -type=hist`.
 * `signal` ends the attack at once (the run is being stopped).
 */
export async function runAttack(
  vegeta: string,
  attack: Attack,
  workDir: string,
  signal?: AbortSignal,
): Promise<VegetaReport> {
  const targetsPath = join(workDir, `${attack.name}.targets`);
  const resultsPath = join(workDir, `${attack.name}.bin`);
  await writeFile(targetsPath, vegetaTargets(attack.target, attack.paths), { mode: 0o600 });
  const tls = attack.target.baseUrl.protocol === "https:";
  let rootCerts: string[] = [];
  if (tls && attack.target.ca !== undefined) {
    const caPath = join(workDir, `${attack.target.name}-ca.pem`);
    await writeFile(caPath, attack.target.ca);
    rootCerts = ["-root-certs", caPath];
  }
  await run(
    vegeta,
    [
      "attack",
      "-name",
      attack.name,
      "-targets",
      targetsPath,
      ...rateArgs(attack.load),
      "-duration",
      `${attack.load.seconds}s`,
      "-timeout",
      `${REQUEST_TIMEOUT_S}s`,
      "-max-body",
      "0",
      `-http2=${attack.http2}`,
      ...rootCerts,
      "-output",
      resultsPath,
    ],
    { timeout: (attack.load.seconds + EXIT_GRACE_S) * 1000, killSignal: "SIGKILL", signal },
  );
  const { stdout } = await run(vegeta, ["report", "-type=json", resultsPath], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return parseVegetaReport(stdout);
}
