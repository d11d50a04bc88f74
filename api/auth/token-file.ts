/**
 * Static bearer tokens, in kube-apiserver's `--token-auth-file` format: one
 * `token,user,uid[,"group1,group2"]` line per token. Every authenticated user may read
 * everything krm serves: static tokens carry no RBAC.
 */
import { readFile } from "node:fs/promises";
import { timingSafeEqual } from "node:crypto";
import { UnauthorizedError } from "../errors.js";
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

export async function tokenFileGuard(path: string): Promise<RequestGuard> {
  const tokens = parseTokenFile(await readFile(path, "utf8"), path);
  const entries = [...tokens].map(([token, user]) => ({ token: Buffer.from(token), user }));
  return {
    authenticate(authorization) {
      const token = bearerToken(authorization);
      if (token === undefined) return Promise.reject(new UnauthorizedError());
      const presented = Buffer.from(token);
      const found = entries.find(
        (e) => e.token.length === presented.length && timingSafeEqual(e.token, presented),
      );
      return found === undefined ? Promise.reject(new UnauthorizedError()) : Promise.resolve(found.user);
    },
    authorize: () => Promise.resolve(),
  };
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
