/**
 * Static bearer tokens, in kube-apiserver's `--token-auth-file` format: one
 * `token,user,uid[,"group1,group2"]` line per token. What each user may read comes from an
 * optional policy file (token-policy.ts); both files are re-read when they change.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Logger } from "../../core/logger.js";
import { UnauthorizedError } from "../errors.js";
import { reloadingFile } from "./reloading-file.js";
import { forbidden } from "./subject-access-review.js";
import { parseTokenPolicy, policyAllows, policyAllowsPath } from "./token-policy.js";
import { bearerToken, type RequestGuard, type UserInfo } from "./types.js";

export class TokenFileError extends Error {
  override readonly name = "TokenFileError";
}

export function parseTokenFile(text: string, source = "tokens file"): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const fields = splitCsvLine(line);
    const [token, username, uid, groups] = fields.map((f) => f.trim());
    if (
      token === undefined ||
      token === "" ||
      username === undefined ||
      username === "" ||
      uid === undefined
    ) {
      throw new TokenFileError(`${source}:${index + 1}: expected token,user,uid[,"group1,group2"]`);
    }
    tokens.set(token, {
      username,
      uid,
      groups: (groups ?? "")
        .split(",")
        .map((g) => g.trim())
        .filter((g) => g !== ""),
    });
  });
  return tokens;
}

export interface TokenFileGuardOptions {
  /** The JSON policy of token-policy.ts; without it every authenticated user reads everything. */
  readonly policyFile?: string;
  readonly logger?: Logger;
  /** How often both files are checked for a change; default FILE_RELOAD_INTERVAL_MS. */
  readonly reloadIntervalMs?: number;
}

/** The guard of `--auth=token`; the tokens and policy files are re-read when they change. */
export function tokenFileGuard(path: string, options: TokenFileGuardOptions = {}): Promise<RequestGuard> {
  const reload = {
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    ...(options.reloadIntervalMs !== undefined ? { intervalMs: options.reloadIntervalMs } : {}),
  };
  const tokens = reloadingFile(
    path,
    (text) => [...parseTokenFile(text, path)].map(([token, user]) => ({ hash: sha256(token), user })),
    reload,
  );
  const policy =
    options.policyFile === undefined
      ? undefined
      : reloadingFile(options.policyFile, (text) => parseTokenPolicy(text, options.policyFile), reload);
  return Promise.resolve({
    authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) return Promise.reject(new UnauthorizedError());
      const found = findToken(tokens.current(), token);
      return found === undefined ? Promise.reject(new UnauthorizedError()) : Promise.resolve(found);
    },
    authorize(user, attributes) {
      if (policy === undefined || policyAllows(policy.current(), user, attributes)) return Promise.resolve();
      return Promise.reject(
        forbidden(user, { resource: attributes }, "no rule of the policy file grants it"),
      );
    },
    authorizePath(user, requestPath) {
      if (policy === undefined || policyAllowsPath(policy.current(), user, requestPath))
        return Promise.resolve();
      return Promise.reject(forbidden(user, { path: requestPath }, "no rule of the policy file grants it"));
    },
  });
}

/**
 * The user of `token`, compared in constant time and without leaking its length: hashes of
 * equal length are compared, and every entry is compared, whichever matches.
 */
export function findToken(
  entries: readonly { readonly hash: Buffer; readonly user: UserInfo }[],
  token: string,
): UserInfo | undefined {
  const presented = sha256(token);
  let found: UserInfo | undefined;
  for (const entry of entries) {
    if (timingSafeEqual(entry.hash, presented)) found = entry.user;
  }
  return found;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Splits one CSV line; double quotes group a field that holds commas. */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === '"') {
      if (quoted && line.charAt(i + 1) === '"') {
        current += '"';
        i++;
      } else {
        quoted = !quoted;
      }
    } else if (c === "," && !quoted) {
      fields.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  fields.push(current);
  return fields;
}
