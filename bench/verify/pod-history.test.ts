import { describe, expect, it } from "vitest";
import { PodHistory, type Baseline, type PodVersion, type Watcher } from "./pod-history.js";

const pod = (name: string, rv: number, labels: Record<string, string> = {}): PodVersion => ({
  namespace: "ns",
  name,
  uid: `uid-${name}`,
  rv: String(rv),
  labels,
});
const baseline = (rv: number, ...pods: PodVersion[]): Baseline => ({
  rv,
  pods: new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p])),
});
const object = (p: PodVersion) => ({
  metadata: { namespace: p.namespace, name: p.name, uid: p.uid, resourceVersion: p.rv, labels: p.labels },
});

/** A watcher whose events the test sends; `from` records each watch's resourceVersion. */
function fakeWatcher() {
  let send: (type: string, object: unknown) => void = () => undefined;
  let end: () => void = () => undefined;
  const from: string[] = [];
  const watcher: Watcher = {
    watch: (_path, query, callback, done) => {
      from.push(String(query["resourceVersion"]));
      send = callback;
      end = () => done(null);
      return Promise.resolve(new AbortController());
    },
  };
  return { watcher, from, send: (t: string, o: unknown) => send(t, o), end: () => end() };
}

const names = (pods: ReadonlyMap<string, PodVersion> | undefined) =>
  pods === undefined ? undefined : [...pods.values()].map((p) => `${p.name}@${p.rv}`);

describe("PodHistory", () => {
  it("answers the state at each resourceVersion the watch has passed, in order", async () => {
    const watch = fakeWatcher();
    const history = await PodHistory.track(() => Promise.resolve(baseline(10, pod("a", 5))), watch.watcher);
    expect(watch.from).toEqual(["10"]);
    watch.send("ADDED", object(pod("b", 11)));
    watch.send("MODIFIED", object(pod("a", 12)));
    watch.send("DELETED", object(pod("b", 13)));
    expect(history.reached("13")).toBe(true);
    expect(history.reached("14")).toBe(false);
    expect(names(history.at("10"))).toEqual(["a@5"]);
    expect(names(history.at("11"))).toEqual(["a@5", "b@11"]);
    expect(names(history.at("12"))).toEqual(["a@12", "b@11"]);
    expect(names(history.at("13"))).toEqual(["a@12"]);
    expect(history.at("14")).toBeUndefined();
    // It only moves forward, and knows nothing before its list.
    expect(history.at("11")).toBeUndefined();
    expect(history.at("9")).toBeUndefined();
  });

  it("takes a bookmark as progress and resumes a closed watch from the last resourceVersion", async () => {
    const watch = fakeWatcher();
    const history = await PodHistory.track(() => Promise.resolve(baseline(10)), watch.watcher);
    watch.send("ADDED", object(pod("a", 11)));
    watch.send("BOOKMARK", { metadata: { resourceVersion: "20" } });
    expect(names(history.at("20"))).toEqual(["a@11"]);
    watch.end();
    await Promise.resolve();
    expect(watch.from).toEqual(["10", "20"]);
    expect(history.restarts).toBe(1);
  });

  it("lists again after a 410 and cannot answer for the gap it left", async () => {
    const watch = fakeWatcher();
    const lists = [baseline(10, pod("a", 5)), baseline(30, pod("c", 25))];
    const history = await PodHistory.track(
      () => Promise.resolve(lists.shift() ?? baseline(0)),
      watch.watcher,
    );
    watch.send("ADDED", object(pod("b", 11)));
    watch.send("ERROR", { kind: "Status", code: 410 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(history.relists).toBe(1);
    expect(watch.from.at(-1)).toBe("30");
    expect(names(history.at("11"))).toEqual(["a@5", "b@11"]);
    expect(history.at("20")).toBeUndefined();
    expect(names(history.at("30"))).toEqual(["c@25"]);
  });
});
