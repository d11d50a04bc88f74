/** Who a request comes from, and what it asks to do, in Kubernetes terms. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/**
 * One requirement of a selector as a SubjectAccessReview carries it (authorization.k8s.io/v1
 * FieldSelectorRequirement and LabelSelectorRequirement): only these four operators exist.
 */
export interface SelectorRequirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

/** The resource attributes a SubjectAccessReview checks, exactly as the API server would. */
export interface ResourceAttributes {
  readonly verb: "get" | "list" | "watch" | "create" | "update" | "delete";
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** "" for a cluster-wide request. */
  readonly namespace: string;
  /** The object of a get, or of a list/watch whose field selector requires `metadata.name=X`. */
  readonly name?: string;
  /** A list/watch's field selector, as requirements (Kubernetes 1.31+ authorizes with them). */
  readonly fieldSelector?: readonly SelectorRequirement[];
  /** A list/watch's label selector, as requirements. */
  readonly labelSelector?: readonly SelectorRequirement[];
}

/** Where a request comes from, for per-client limits. */
export interface ClientInfo {
  /** The peer's IP address; "" when unknown. */
  readonly address: string;
}

/**
 * Authentication and authorization of one API mode. `authenticate` throws
 * `UnauthorizedError` (401) or `TooManyRequestsError` (429); `authorize` and `authorizePath`
 * throw `ForbiddenError` (403).
 */
export interface RequestGuard {
  authenticate(authorization: string | undefined, client?: ClientInfo): Promise<UserInfo>;
  authorize(user: UserInfo, attributes: ResourceAttributes): Promise<void>;
  /** A non-resource URL (`/metrics`, `/status`, `/dashboard/…`), verb `get`, as the API server checks `/metrics`. */
  authorizePath(user: UserInfo, path: string): Promise<void>;
}

export type AuthOptions =
  | { mode: "none" }
  | {
      mode: "token";
      tokensFile: string;
      /** JSON rules of what each user may read (token-policy.ts); everything when absent. */
      policyFile?: string;
      /** How often both files are checked for a change (reloading-file.ts). */
      reloadIntervalMs?: number;
    }
  | {
      mode: "kubernetes";
      /** How long TokenReview and SubjectAccessReview answers are reused; at most 10 s. */
      cacheTtlMs?: number;
      /** Audiences a token must be minted for (TokenReview spec.audiences); default ["krm"]. */
      audiences?: readonly string[];
      /** Deadline of one TokenReview or SubjectAccessReview; default REVIEW_TIMEOUT_MS. */
      reviewTimeoutMs?: number;
    };

/** The bearer token of an `Authorization` header, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
