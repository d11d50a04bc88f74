import type { FlagValues } from "../parse-flags.js";
import { StartupError } from "../startup-error.js";
import { statusTable, type StatusBody, type WatchStates } from "../status/status-table.js";
import { UsageError } from "../usage-error.js";

/** A running krm answers /status from memory; longer means it is not there. */
export const STATUS_TIMEOUT_MS = 5_000;

/**
 * `krm status`: asks a running krm for `/status` and prints it as a table (or the JSON body
 * with `-o json`). The WATCH column comes from `/dashboard/data` when the dashboard is on.
 * Returns the exit code: 0 when the answer was printed.
 */
export async function statusCommand(values: FlagValues, write: (text: string) => void): Promise<number> {
  const server = (typeof values["server"] === "string" ? values["server"] : "http://127.0.0.1:8080").replace(
    /\/+$/,
    "",
  );
  const output = typeof values["output"] === "string" ? values["output"] : "table";
  if (output !== "table" && output !== "json") {
    throw new UsageError(`--output=${output}: expected table or json`);
  }
  const token = typeof values["token"] === "string" ? values["token"] : undefined;
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const status = await getJson(`${server}/status`, headers);
  if (output === "json") {
    write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const watch = await watchStates(`${server}/dashboard/data`, headers);
  write(`${statusTable(status as StatusBody, watch)}\n`);
  return 0;
}

async function getJson(url: string, headers: Record<string, string>): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
  } catch (error) {
    throw new StartupError(
      `cannot reach krm at ${url}: ${causeOf(error)} (is \`krm run\` running? point --server at it)`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new StartupError(`${url} answered ${response.status}: ${messageOf(text)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new StartupError(`${url} did not answer JSON; is --server a krm?`);
  }
}

/** Watch state per kind from the dashboard's data; empty when that is unavailable. */
async function watchStates(url: string, headers: Record<string, string>): Promise<WatchStates> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(STATUS_TIMEOUT_MS) });
    if (!response.ok) return new Map();
    const body = (await response.json()) as { kinds?: { id?: unknown; watchConnected?: unknown }[] };
    return new Map(
      (body.kinds ?? []).flatMap((k) =>
        typeof k.id === "string" && (typeof k.watchConnected === "boolean" || k.watchConnected === null)
          ? [[k.id, k.watchConnected] as const]
          : [],
      ),
    );
  } catch {
    return new Map();
  }
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === "ECONNREFUSED" ? "connection refused" : cause.message;
  }
  return error.name === "TimeoutError" ? `no answer within ${STATUS_TIMEOUT_MS / 1000} s` : error.message;
}

/** The message of a Kubernetes Status body, else the start of the text. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
