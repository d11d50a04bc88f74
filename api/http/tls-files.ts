/**
 * HTTPS for the API from a certificate and key on disk, re-read when they change: a
 * Kubernetes Secret volume (or cert-manager) swaps the files in place, and new connections
 * get the new certificate without a restart. The files are polled, not watched: a Secret
 * volume replaces a symlinked directory, which inotify watches on the files do not follow.
 * A half-written pair (new certificate, old key) fails to load and is retried next poll,
 * while the old pair keeps serving.
 */
import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import type { Server } from "node:https";
import type { Logger } from "../../core/logger.js";

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

/** How often the files are checked; a rotated Secret reaches the pod's volume within about a minute anyway. */
export const TLS_RELOAD_INTERVAL_MS = 10_000;

export interface TlsPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Reads and checks the pair; throws with the file names when it does not load. */
export async function readTlsPair(files: TlsFiles): Promise<TlsPair> {
  const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new Error(
      `TLS certificate ${files.certFile} and key ${files.keyFile} do not load: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  return { cert, key };
}

/** Polls the files and installs a changed pair on the server; returns the stop function. */
export function reloadTlsOnChange(
  server: Server,
  files: TlsFiles,
  current: TlsPair,
  options: { readonly logger: Logger; readonly intervalMs?: number },
): () => void {
  let served = current;
  let checking = false;
  const check = async (): Promise<void> => {
    if (checking) return;
    checking = true;
    try {
      const [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
      if (cert.equals(served.cert) && key.equals(served.key)) return;
      const next = await readTlsPair(files);
      server.setSecureContext({ cert: next.cert, key: next.key });
      served = next;
      options.logger.info({ certFile: files.certFile }, "TLS certificate reloaded");
    } catch (error) {
      options.logger.warn(
        { err: error, certFile: files.certFile },
        "TLS certificate not reloaded; serving the previous one",
      );
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? TLS_RELOAD_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
