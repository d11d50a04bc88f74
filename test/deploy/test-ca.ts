import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A CA and a server certificate it signed, valid for 127.0.0.1 and localhost, as PEM files. */
export interface TestCa {
  readonly caCertPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  /** PEM of the CA, for clients' `ca` option. */
  readonly caPem: string;
}

/**
 * Generates a throw-away CA and server certificate with openssl into `dir`, as an operator
 * would for a TLS Redis: nothing here trusts it but the clients that are given `caPem`.
 */
export async function createTestCa(dir: string): Promise<TestCa> {
  const caKey = join(dir, "ca.key");
  const caCertPath = join(dir, "ca.crt");
  const keyPath = join(dir, "server.key");
  const csr = join(dir, "server.csr");
  const certPath = join(dir, "server.crt");
  const extensions = join(dir, "server.ext");
  const openssl = (args: readonly string[]): Promise<unknown> =>
    run("openssl", [...args], { timeout: 30_000 });
  await openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    caKey,
    "-out",
    caCertPath,
    "-days",
    "1",
    "-subj",
    "/CN=krm test CA",
  ]);
  await openssl([
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    csr,
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await writeFile(
    extensions,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  await openssl([
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    caCertPath,
    "-CAkey",
    caKey,
    "-CAcreateserial",
    "-out",
    certPath,
    "-days",
    "1",
    "-extfile",
    extensions,
  ]);
  return { caCertPath, certPath, keyPath, caPem: await readFile(caCertPath, "utf8") };
}

/** redis-server arguments that serve TLS only (no plaintext port) with `ca`'s certificate. */
export function redisTlsArgs(ca: TestCa): string[] {
  return [
    "--tls-cert-file",
    ca.certPath,
    "--tls-key-file",
    ca.keyPath,
    "--tls-ca-cert-file",
    ca.caCertPath,
    // Clients authenticate with users and passwords, not certificates.
    "--tls-auth-clients",
    "no",
  ];
}
