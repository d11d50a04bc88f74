/**
 * Random churn against the API server: creates, label updates, deletes and recreations under
 * the same name, across namespaces and kinds. Failed operations (the API server is being
 * restarted) are counted and skipped; the next operation is independent of them.
 */
import { type KubeConfig, KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import { FIXTURE_KINDS, fixture, type FixtureKind } from "./kind-fixtures.js";

export interface ChurnCounts {
  creates: number;
  recreates: number;
  updates: number;
  deletes: number;
  failures: number;
}

export interface ChurnOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespaces: readonly string[];
  /** Names per kind and namespace to cycle through (recreations reuse them). */
  readonly namesPerNamespace: number;
  /** Pause between operations. */
  readonly pauseMs: number;
  readonly random?: () => number;
}

export class Churn {
  readonly counts: ChurnCounts = { creates: 0, recreates: 0, updates: 0, deletes: 0, failures: 0 };
  private readonly client: KubernetesObjectApi;
  /** `kind/ns/name` -> exists now (as far as churn knows); absent = never created. */
  private readonly live = new Map<string, boolean>();
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: ChurnOptions) {
    this.client = KubernetesObjectApi.makeApiClient(options.kubeConfig);
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Runs `count` operations now (used to seed objects before faults). */
  async run(count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) await this.step();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await this.step();
      await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }

  private pick<T>(items: readonly T[]): T {
    const random = this.options.random ?? Math.random;
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error("empty choice");
    return item;
  }

  private async step(): Promise<void> {
    const kind = this.pick(FIXTURE_KINDS);
    const namespace = kind === "nodes" ? "" : this.pick(this.options.namespaces);
    const name = `${kind.split(".")[0] ?? kind}-${namespace === "" ? "" : `${namespace}-`}${this.pick(
      Array.from({ length: this.options.namesPerNamespace }, (_, i) => i),
    )}`;
    const id = `${kind}/${namespace}/${name}`;
    const state = this.live.get(id);
    const random = (this.options.random ?? Math.random)();
    try {
      if (state !== true) {
        await this.client.create(fixture(kind, namespace, name, { churn: "yes", gen: "0" }));
        this.live.set(id, true);
        if (state === false) this.counts.recreates += 1;
        else this.counts.creates += 1;
      } else if (random < 0.6) {
        await this.client.patch(
          {
            ...header(kind, namespace, name),
            metadata: {
              name,
              ...(namespace !== "" ? { namespace } : {}),
              labels: { gen: String(Math.floor(random * 1000)), flip: random < 0.3 ? "a" : "b" },
            },
          },
          undefined,
          undefined,
          undefined,
          undefined,
          PatchStrategy.MergePatch,
        );
        this.counts.updates += 1;
      } else {
        await this.delete(kind, namespace, name);
        this.live.set(id, false);
        this.counts.deletes += 1;
      }
    } catch {
      this.counts.failures += 1;
      // The outcome is unknown (e.g. the API server went down mid-request); re-learn it next time.
      this.live.set(id, await this.exists(kind, namespace, name));
    }
  }

  private async delete(kind: FixtureKind, namespace: string, name: string): Promise<void> {
    await this.client.delete({ ...header(kind, namespace, name) }, undefined, undefined, 0);
    if (kind === "persistentvolumeclaims") {
      // No controller-manager removes the pvc-protection finalizer; do it so the PVC goes away.
      await this.client
        .patch(
          {
            ...header(kind, namespace, name),
            metadata: { name, namespace, finalizers: null },
          } as unknown as ReturnType<typeof header>,
          undefined,
          undefined,
          undefined,
          undefined,
          PatchStrategy.MergePatch,
        )
        .catch(() => undefined);
    }
  }

  private async exists(kind: FixtureKind, namespace: string, name: string): Promise<boolean> {
    try {
      await this.client.read(header(kind, namespace, name));
      return true;
    } catch {
      return false;
    }
  }
}

function header(
  kind: FixtureKind,
  namespace: string,
  name: string,
): { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } {
  const object = fixture(kind, namespace, name, {});
  return {
    apiVersion: object.apiVersion ?? "v1",
    kind: object.kind ?? "",
    metadata: kind === "nodes" ? { name } : { name, namespace },
  };
}
