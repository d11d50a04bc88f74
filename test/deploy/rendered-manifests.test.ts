import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { V1Container } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { FLAGS } from "../../cli/flags.js";
import { BUILTIN_KINDS } from "../../core/kinds.js";
import {
  DEPLOY_DIR,
  findGenerated,
  findObject,
  renderDeployOverlay,
  renderKustomization,
  type KubeObject,
} from "./render.js";
import { envFromNames, envValue, workloadsOf, type Workload } from "./workloads.js";

/** Structure of `kubectl kustomize deploy/`: what the design and issue 6 require of it. */

const PIPELINE_ROLES = ["streamer", "verifier", "aggregator"];
const KIND_ANNOTATION = "krm.io/kind";

let objects: readonly KubeObject[];
let workloads: readonly Workload[];

beforeAll(async () => {
  objects = (await renderKustomization(DEPLOY_DIR)).objects;
  workloads = workloadsOf(objects);
});

function pipelines(): Workload[] {
  return workloads.filter((w) => w.object.metadata.labels?.["app.kubernetes.io/component"] === "pipeline");
}

function krmContainers(): V1Container[] {
  return workloads.flatMap((w) => w.containers).filter((c) => c.image?.includes("krm") === true);
}

function expectRestricted(container: V1Container): void {
  expect(container.securityContext, container.name).toMatchObject({
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  });
}

describe("per-kind pipelines", () => {
  it("has one Deployment per built-in kind, told its kind by the krm.io/kind annotation", () => {
    const byKind = pipelines().map((w) => w.template.metadata?.annotations?.[KIND_ANNOTATION]);
    expect(byKind.sort()).toEqual(BUILTIN_KINDS.map((kind) => kind.id).sort());
    for (const w of pipelines()) {
      const kind = w.template.metadata?.annotations?.[KIND_ANNOTATION] ?? "";
      expect(w.object.kind).toBe("Deployment");
      expect(w.replicas).toBe(1);
      expect(w.object.metadata.name).toBe(`krm-pipeline-${kind.split(".")[0] ?? ""}`);
      expect(w.template.metadata?.labels?.[KIND_ANNOTATION]).toBe(kind);
    }
  });

  it("gives the six pipelines the same pod spec: one template, not six copies", async () => {
    const specs = pipelines().map((w) => w.template.spec);
    for (const spec of specs) expect(spec).toEqual(specs[0]);
    const kindDirs = await readdir(join(DEPLOY_DIR, "pipeline", "kinds"));
    expect(kindDirs.sort()).toEqual(BUILTIN_KINDS.map((kind) => kind.id).sort());
    for (const dir of kindDirs) {
      expect(await readdir(join(DEPLOY_DIR, "pipeline", "kinds", dir))).toEqual(["kustomization.yaml"]);
    }
  });

  it("runs streamer, verifier and aggregator, each with KRM_KIND from the annotation and its own health port", () => {
    for (const w of pipelines()) {
      expect(w.containers.map((c) => c.name)).toEqual(PIPELINE_ROLES);
      const ports = new Set<string>();
      for (const container of w.containers) {
        expect(container.args).toEqual([container.name]);
        const kind = container.env?.find((variable) => variable.name === "KRM_KIND");
        expect(kind?.valueFrom?.fieldRef?.fieldPath).toBe(`metadata.annotations['${KIND_ANNOTATION}']`);
        const healthPort = envValue(container, "KRM_HEALTH_PORT") ?? "";
        ports.add(healthPort);
        expect(container.livenessProbe?.httpGet).toMatchObject({
          path: "/healthz",
          port: Number(healthPort),
        });
        expect(container.readinessProbe?.httpGet).toMatchObject({
          path: "/readyz",
          port: Number(healthPort),
        });
      }
      expect(ports.size).toBe(PIPELINE_ROLES.length);
      expect(w.template.spec?.serviceAccountName).toBe("krm-pipeline");
    }
  });
});

describe("every workload", () => {
  it("runs non-root with the RuntimeDefault seccomp profile and without service links", () => {
    for (const w of workloads) {
      const pod = w.template.spec;
      expect(pod?.securityContext?.runAsNonRoot, w.object.metadata.name).toBe(true);
      expect(pod?.securityContext?.runAsUser, w.object.metadata.name).toBeGreaterThan(0);
      expect(pod?.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
      expect(pod?.enableServiceLinks).toBe(false);
    }
  });

  it("has restrictive containers with probes, requests and limits", () => {
    const containers = workloads.flatMap((w) => w.containers);
    expect(containers.length).toBeGreaterThan(0);
    for (const container of containers) {
      expectRestricted(container);
      expect(container.livenessProbe, container.name).toBeDefined();
      expect(container.readinessProbe, container.name).toBeDefined();
      for (const bound of [container.resources?.requests, container.resources?.limits]) {
        expect(bound?.["cpu"], container.name).toBeDefined();
        expect(bound?.["memory"], container.name).toBeDefined();
      }
    }
  });

  it("mounts a service-account token only where the Kubernetes API is used", () => {
    const withToken = workloads
      .filter((w) => w.template.spec?.automountServiceAccountToken !== false)
      .map((w) => w.template.spec?.serviceAccountName);
    expect(new Set(withToken)).toEqual(new Set(["krm-pipeline", "krm-api"]));
  });

  it("runs one krm image, configured from krm-config then the krm-env Secret", () => {
    const containers = krmContainers();
    expect(new Set(containers.map((c) => c.image)).size).toBe(1);
    const config = findGenerated(objects, "ConfigMap", "krm-config").metadata.name;
    const secret = findGenerated(objects, "Secret", "krm-env").metadata.name;
    for (const container of containers) expect(envFromNames(container)).toEqual([config, secret]);
  });

  it("puts every namespaced object in the krm namespace", () => {
    const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding"]);
    for (const object of objects.filter((o) => !clusterScoped.has(o.kind))) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe("krm");
    }
  });
});

describe("configuration", () => {
  it("uses only keys that are environment twins of krm flags", () => {
    const twins = new Set(FLAGS.map((flag) => flag.env));
    const config = findGenerated(objects, "ConfigMap", "krm-config");
    const keys = Object.keys(config["data"] as Record<string, string>);
    expect(keys).toContain("REDIS_URL");
    for (const key of keys) expect(twins, key).toContain(key);
    const containerEnv = krmContainers().flatMap((c) => (c.env ?? []).map((variable) => variable.name));
    for (const name of containerEnv) expect(twins, name).toContain(name);
  });

  it("points the parts at the bundled Redis and InfluxDB Services", () => {
    const data = findGenerated(objects, "ConfigMap", "krm-config")["data"] as Record<string, string>;
    expect(data["REDIS_URL"]).toBe("redis://redis:6379");
    expect(data["INFLUX_URL"]).toBe("http://influxdb:8086");
    expect(data["KRM_AUTH"]).toBe("kubernetes");
    findObject(objects, "Service", "redis");
    findObject(objects, "Service", "influxdb");
  });
});

describe("API", () => {
  it("runs 2+ replicas behind a Service and a PodDisruptionBudget that select them", () => {
    const api = workloads.find((w) => w.object.metadata.name === "krm-api");
    expect(api?.replicas).toBeGreaterThanOrEqual(2);
    const podLabels = api?.template.metadata?.labels ?? {};
    const service = findObject(objects, "Service", "krm")["spec"] as { selector: Record<string, string> };
    const pdb = findObject(objects, "PodDisruptionBudget", "krm-api")["spec"] as {
      minAvailable: number;
      selector: { matchLabels: Record<string, string> };
    };
    expect(podLabels).toMatchObject(service.selector);
    expect(podLabels).toMatchObject(pdb.selector.matchLabels);
    expect(pdb.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.minAvailable).toBeLessThan(api?.replicas ?? 0);
    expect(api?.containers[0]?.readinessProbe?.httpGet?.path).toBe("/readyz");
  });
});

describe("RBAC", () => {
  it("lets the pipelines get, list and watch exactly the built-in kinds", () => {
    const role = findObject(objects, "ClusterRole", "krm-pipeline")["rules"] as {
      apiGroups: string[];
      resources: string[];
      verbs: string[];
    }[];
    const granted = role.flatMap((rule) =>
      rule.apiGroups.flatMap((group) =>
        rule.resources.map((resource) => (group === "" ? resource : `${resource}.${group}`)),
      ),
    );
    expect(granted.sort()).toEqual(BUILTIN_KINDS.map((kind) => kind.id).sort());
    for (const rule of role) expect(rule.verbs.sort()).toEqual(["get", "list", "watch"]);
  });

  it("grants no wildcard anywhere", () => {
    for (const role of objects.filter((o) => o.kind === "ClusterRole" || o.kind === "Role")) {
      expect(JSON.stringify(role["rules"]), role.metadata.name).not.toContain("*");
    }
  });
});

describe("Redis", () => {
  it("is a StatefulSet with a volume claim template mounted at /data", () => {
    const redis = workloads.find(
      (w) => w.object.kind === "StatefulSet" && w.object.metadata.name === "redis",
    );
    const claims = (redis?.object["spec"] as { volumeClaimTemplates?: { metadata: { name: string } }[] })
      .volumeClaimTemplates;
    expect(claims?.map((claim) => claim.metadata.name)).toEqual(["data"]);
    expect(redis?.containers[0]?.volumeMounts).toContainEqual(
      expect.objectContaining({ name: "data", mountPath: "/data" }),
    );
  });

  it("is replaced by an existing Redis, Sentinel or Cluster with the external-redis component", async () => {
    const external = await renderDeployOverlay({ components: ["components/external-redis"] });
    expect(external.objects.filter((o) => o.metadata.name === "redis")).toEqual([]);
    const secret = findGenerated(external.objects, "Secret", "krm-env");
    const url = Buffer.from(
      (secret["data"] as Record<string, string>)["REDIS_URL"] ?? "",
      "base64",
    ).toString();
    expect(url).toMatch(/^(redis|rediss|redis-sentinel|redis-cluster):\/\//);
    for (const container of workloadsOf(external.objects).flatMap((w) => w.containers)) {
      if (container.image?.includes("krm") === true)
        expect(envFromNames(container)).toContain(secret.metadata.name);
    }
  });
});

describe("Chronograf", () => {
  it("loads the dashboards and source in deploy/chronograf from its resources path", async () => {
    const chronograf = workloads.find((w) => w.object.metadata.name === "chronograf");
    const container = chronograf?.containers[0];
    const resourcesPath = container ? envValue(container, "RESOURCES_PATH") : undefined;
    const mount = container?.volumeMounts?.find((m) => m.mountPath === resourcesPath);
    const volume = chronograf?.template.spec?.volumes?.find((v) => v.name === mount?.name);
    const configMap = findGenerated(objects, "ConfigMap", "chronograf-resources");
    expect(volume?.configMap?.name).toBe(configMap.metadata.name);

    const files = (await readdir(join(DEPLOY_DIR, "chronograf")).catch(() => [])).filter((f) =>
      /\.(dashboard|src)$/.test(f),
    );
    const data = (configMap["data"] ?? {}) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(files.sort());
    for (const file of files) {
      expect(data[file]).toBe(await readFile(join(DEPLOY_DIR, "chronograf", file), "utf8"));
    }
  });
});
