/** Who a request comes from, and what it asks to do, in Kubernetes terms. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** The resource attributes a SubjectAccessReview checks, exactly as the API server would. */
export interface ResourceAttributes {
  readonly verb: "get" | "list" | "watch" | "create" | "update" | "delete";
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** "" for a cluster-wide request. */
  readonly namespace: string;
  readonly name?: string;
}

/**
 * Authentication and authorization of one API mode. `authenticate` throws
 * `UnauthorizedError` (401); `authorize` throws `ForbiddenError` (403).
 */
export interface RequestGuard {
  authenticate(authorization: string | undefined): Promise<UserInfo>;
  authorize(user: UserInfo, attributes: ResourceAttributes): Promise<void>;
}

export type AuthOptions =
  | { mode: "none" }
  | { mode: "token"; tokensFile: string }
  | {
      mode: "kubernetes";
      /** How long TokenReview and SubjectAccessReview answers are reused; at most 10 s. */
      cacheTtlMs?: number;
    };

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
