import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throw-away self-signed certificate for 127.0.0.1 and localhost (its own CA), as PEM, for
 * tests that serve HTTPS locally, made with openssl. `commonName` tells two of them apart.
 */
export function selfSignedCertificate(commonName = "127.0.0.1"): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), "krm-cert-"));
  try {
    const cert = join(dir, "tls.crt");
    const key = join(dir, "tls.key");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        `/CN=${commonName}`,
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout",
        key,
        "-out",
        cert,
      ],
      { stdio: "ignore", timeout: 30_000 },
    );
    return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
