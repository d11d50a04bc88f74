import { describe, expect, it } from "vitest";
import { Backoff } from "../core/backoff.js";
import { findBuiltinKind } from "../core/kinds.js";
import { KubeApiError, WatchSilenceError } from "../core/kube-errors.js";
import type { ListPagesOptions, ListResult } from "../core/kube-list.js";
import { silentLogger } from "../core/logger.js";
import type { KubeObject } from "../core/object-key.js";
import type { SwapResult } from "../core/snapshot-writer.js";
import type { EventSink, HealthSink, KubeSource, SnapshotStaging } from "./ports.js";
import { StreamerLoop } from "./streamer.js";
import type { WatchEvent, WatchRequest } from "./watch-stream.js";

const found = findBuiltinKind("pods");
if (found === undefined) throw new Error("pods is a built-in kind");
const pods = found;

function pod(name: string, rv: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "ns", uid: `${name}-uid`, resourceVersion: rv },
  };
}
function event(type: "ADDED" | "MODIFIED" | "DELETED", name: string, rv: string): WatchEvent {
  const object = pod(name, rv);
  return { type, object, json: JSON.stringify(object) };
}
function bookmark(rv: string, initialEventsEnd = false): WatchEvent {
  return { type: "BOOKMARK", resourceVersion: rv, initialEventsEnd };
}

/** One scripted watch: its events, then how it ends (undefined = clean close). */
interface WatchScript {
  readonly events: readonly WatchEvent[];
  readonly end?: Error;
}
/** One scripted list: its objects and resourceVersion, or an error. */
type ListScript = { readonly objects: readonly KubeObject[]; readonly rv: string } | Error;

interface Recorded {
  /** `watch rv=…[ initial]` and `list` calls, in order. */
  calls: string[];
  /** Snapshots committed, as `rv:count`. */
  snapshots: string[];
  /** Events appended, as `TYPE name@rv`. */
  appended: string[];
  /** Backoff sleeps. */
  sleeps: number[];
  gones: number;
}

/** Runs the loop over scripted lists and watches until the scripts run out. */
async function runScript(
  watches: WatchScript[],
  lists: ListScript[] = [],
  streamingList = true,
): Promise<Recorded> {
  const recorded: Recorded = { calls: [], snapshots: [], appended: [], sleeps: [], gones: 0 };
  const controller = new AbortController();
  const kube: KubeSource = {
    list: async (options: Omit<ListPagesOptions, "kubeConfig" | "kind">): Promise<ListResult> => {
      recorded.calls.push("list");
      const script = lists.shift();
      if (script === undefined) {
        controller.abort();
        throw new Error("no more lists");
      }
      if (script instanceof Error) throw script;
      await options.onPage(script.objects);
      return { resourceVersion: script.rv, count: script.objects.length };
    },
    watch: (request: Omit<WatchRequest, "kubeConfig" | "kind">): AsyncIterable<WatchEvent> => {
      recorded.calls.push(
        `watch rv=${request.resourceVersion ?? ""}${request.sendInitialEvents === true ? " initial" : ""}`,
      );
      const script = watches.shift();
      return (async function* () {
        if (script === undefined) {
          controller.abort();
          throw new Error("no more watches");
        }
        await Promise.resolve();
        request.onOpen?.();
        yield* script.events;
        if (script.end !== undefined) throw script.end;
      })();
    },
  };
  const beginSnapshot = (): SnapshotStaging => {
    let count = 0;
    return {
      get objectCount() {
        return count;
      },
      add: async (objects) => {
        count += objects.length;
        await Promise.resolve();
      },
      addSerialized: async (entries) => {
        count += entries.length;
        await Promise.resolve();
      },
      discard: async () => {
        count = 0;
        await Promise.resolve();
      },
      commit: async (rv): Promise<SwapResult> => {
        recorded.snapshots.push(`${rv}:${count}`);
        return Promise.resolve({ swapped: true, generation: "1" });
      },
    };
  };
  const writer: EventSink = {
    append: async (type, rv, json) => {
      const name = (JSON.parse(json) as KubeObject).metadata.name ?? "";
      recorded.appended.push(`${type} ${name}@${rv}`);
      await Promise.resolve();
    },
    drain: () => Promise.resolve(),
  };
  const health: HealthSink = {
    setConnected: () => undefined,
    gone: () => (recorded.gones += 1),
    event: () => undefined,
    bookmark: () => undefined,
  };
  const loop = new StreamerLoop({
    kind: pods,
    kube,
    logger: silentLogger(),
    writer,
    health,
    beginSnapshot,
    streamingList,
    backoff: new Backoff({ jitter: 0, now: () => 0 }),
    sleep: (ms) => {
      recorded.sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  });
  await loop.run(controller.signal);
  return recorded;
}

const reset = (): Error => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
const gone = (): Error =>
  new KubeApiError(200, { code: 410, reason: "Expired", message: "too old resource version" });

describe("StreamerLoop", () => {
  it("streaming list: initial events become a snapshot at the end bookmark, later events are appended", async () => {
    const r = await runScript([
      {
        events: [
          event("ADDED", "a", "5"),
          event("ADDED", "b", "6"),
          bookmark("10", true),
          event("MODIFIED", "a", "11"),
        ],
      },
    ]);
    expect(r.snapshots).toEqual(["10:2"]);
    expect(r.appended).toEqual(["MODIFIED a@11"]);
    expect(r.calls).toEqual(["watch rv= initial", "watch rv=11"]);
  });

  it("falls back to a paginated LIST when the server rejects the streaming list", async () => {
    const rejected = await runScript(
      [
        { events: [], end: new KubeApiError(400, { message: "sendInitialEvents is forbidden" }) },
        { events: [event("ADDED", "b", "8")] },
      ],
      [{ objects: [pod("a", "5")], rv: "7" }],
    );
    expect(rejected.calls.slice(0, 3)).toEqual(["watch rv= initial", "list", "watch rv=7"]);
    expect(rejected.snapshots).toEqual(["7:1"]);
    expect(rejected.appended).toEqual(["ADDED b@8"]);
  });

  it.each<[string, WatchScript[], ListScript[], Partial<Recorded>]>([
    [
      "clean close resumes at once from the last event",
      [{ events: [event("ADDED", "a", "8")] }, { events: [event("MODIFIED", "a", "9")] }],
      [{ objects: [], rv: "7" }],
      {
        calls: ["list", "watch rv=7", "watch rv=8", "watch rv=9"],
        sleeps: [],
        appended: ["ADDED a@8", "MODIFIED a@9"],
      },
    ],
    [
      "bookmarks move the resume point without appending",
      [{ events: [bookmark("20")] }],
      [{ objects: [], rv: "7" }],
      { calls: ["list", "watch rv=7", "watch rv=20"], appended: [] },
    ],
    [
      "a network error resumes from the last resourceVersion after backoff",
      [
        { events: [], end: reset() },
        { events: [], end: reset() },
      ],
      [{ objects: [], rv: "7" }],
      { calls: ["list", "watch rv=7", "watch rv=7", "watch rv=7"], sleeps: [800, 1600] },
    ],
    [
      "a failure after a healthy watch starts the backoff over",
      [
        { events: [], end: reset() },
        { events: [event("ADDED", "a", "8")], end: reset() },
      ],
      [{ objects: [], rv: "7" }],
      { sleeps: [800, 800] },
    ],
    [
      "a silent watch is abandoned and resumed",
      [{ events: [event("ADDED", "a", "8")], end: new WatchSilenceError("silent") }],
      [{ objects: [], rv: "7" }],
      { calls: ["list", "watch rv=7", "watch rv=8"], sleeps: [800] },
    ],
    [
      "410 Gone relists at once and watches from the new list",
      [{ events: [event("ADDED", "a", "8")], end: gone() }, { events: [] }],
      [
        { objects: [], rv: "7" },
        { objects: [pod("a", "30")], rv: "31" },
      ],
      {
        calls: ["list", "watch rv=7", "list", "watch rv=31", "watch rv=31"],
        sleeps: [],
        gones: 1,
        snapshots: ["7:0", "31:1"],
      },
    ],
    [
      "a second 410 in a row backs off before relisting",
      [
        { events: [], end: gone() },
        { events: [], end: gone() },
      ],
      [
        { objects: [], rv: "7" },
        { objects: [], rv: "8" },
        { objects: [], rv: "9" },
      ],
      { calls: ["list", "watch rv=7", "list", "watch rv=8", "list", "watch rv=9"], sleeps: [800], gones: 2 },
    ],
    [
      "an expired list is retried after backoff and never skipped",
      [{ events: [] }],
      [new Error("socket hang up"), { objects: [pod("a", "5")], rv: "7" }],
      { calls: ["list", "list", "watch rv=7", "watch rv=7"], sleeps: [800], snapshots: ["7:1"] },
    ],
  ])("%s", async (_name, watches, lists, expected) => {
    expect(await runScript(watches, lists, false)).toMatchObject(expected);
  });
});
