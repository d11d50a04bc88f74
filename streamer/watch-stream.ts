/**
 * One WATCH request, as an async stream of parsed events. It ends when the server closes
 * the watch cleanly (`timeoutSeconds` reached) and throws on a network error, an ERROR
 * event (`KubeApiError`, 410 for "too old resource version"), or silence longer than
 * `silenceMs` (`WatchSilenceError`: a half-open connection). Resuming is the caller's job.
 */
import type { KubeAccess } from "../core/kube-access.js";
import { collectionPath, type KindSpec } from "../core/kinds.js";
import { KubeApiError, WatchSilenceError } from "../core/kube-errors.js";
import { openKubeGet, responseLines, toStatus } from "../core/kube-http.js";
import type { KubeObject } from "../core/object-key.js";
import type { WatchEventType } from "../core/records.js";

/** Annotation on the BOOKMARK that ends the initial events of a streaming list. */
export const INITIAL_EVENTS_END_ANNOTATION = "k8s.io/initial-events-end";

export type WatchEvent =
  | {
      readonly type: WatchEventType;
      readonly object: KubeObject;
      /** The object as JSON, as krm stores it. */
      readonly json: string;
    }
  | { readonly type: "BOOKMARK"; readonly resourceVersion: string; readonly initialEventsEnd: boolean };

export interface WatchRequest {
  readonly kubeConfig: KubeAccess;
  readonly kind: KindSpec;
  /** Resume point; absent for a streaming list. */
  readonly resourceVersion?: string;
  /** Streaming list: the current objects first as ADDED events, then the initial-events-end bookmark. */
  readonly sendInitialEvents?: boolean;
  readonly timeoutSeconds: number;
  readonly silenceMs: number;
  readonly signal: AbortSignal;
  /** Called once the server accepted the watch (status 200). */
  readonly onOpen?: () => void;
}

export async function* watchEvents(request: WatchRequest): AsyncGenerator<WatchEvent> {
  const silence = new AbortController();
  let silent = false;
  let timer: NodeJS.Timeout | undefined;
  const armSilenceTimer = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      silent = true;
      silence.abort();
    }, request.silenceMs);
  };
  const signal = AbortSignal.any([request.signal, silence.signal]);
  armSilenceTimer();
  try {
    const response = await openKubeGet(request.kubeConfig, {
      path: collectionPath(request.kind),
      query: {
        watch: "true",
        allowWatchBookmarks: "true",
        timeoutSeconds: String(request.timeoutSeconds),
        resourceVersion: request.resourceVersion,
        ...(request.sendInitialEvents === true
          ? { sendInitialEvents: "true", resourceVersionMatch: "NotOlderThan" }
          : {}),
      },
      signal,
    });
    request.onOpen?.();
    for await (const line of responseLines(response)) {
      armSilenceTimer();
      yield parseWatchLine(line);
    }
  } catch (error) {
    if (silent)
      throw new WatchSilenceError(`no watch event or bookmark for ${request.silenceMs} ms`, { cause: error });
    throw error;
  } finally {
    clearTimeout(timer);
    silence.abort();
  }
}

interface RawWatchLine {
  readonly type?: string;
  readonly object?: Record<string, unknown>;
}

/** Parses one line of a watch stream; throws `KubeApiError` for ERROR events. */
export function parseWatchLine(line: string): WatchEvent {
  const parsed = JSON.parse(line) as RawWatchLine;
  const object = parsed.object ?? {};
  switch (parsed.type) {
    case "ADDED":
    case "MODIFIED":
    case "DELETED": {
      const kubeObject = object as KubeObject;
      if (typeof kubeObject.metadata !== "object")
        throw new Error(`watch ${parsed.type} event without metadata`);
      return { type: parsed.type, object: kubeObject, json: JSON.stringify(object) };
    }
    case "BOOKMARK": {
      const metadata = (object as Partial<KubeObject>).metadata;
      const annotations = (metadata as { annotations?: Record<string, string> } | undefined)?.annotations;
      return {
        type: "BOOKMARK",
        resourceVersion: metadata?.resourceVersion ?? "",
        initialEventsEnd: annotations?.[INITIAL_EVENTS_END_ANNOTATION] === "true",
      };
    }
    case "ERROR": {
      const status = toStatus(object);
      throw new KubeApiError(status.code ?? 500, status);
    }
    default:
      throw new Error(`unknown watch event type ${JSON.stringify(parsed.type)}`);
  }
}
