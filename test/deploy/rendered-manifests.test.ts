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
import { allowedClients } from "./network-policies.js";
import { envFromNames, envValue, workloadsOf, type Workload } from "./workloads.js";

/** Structure of `kubectl kustomize deploy/`: what the design and issue 6 require of it. */

const PIPELINE_ROLES = ["streamer", "verifier", "aggregator"];
/** krm's roles, each with its own Redis user (deploy/generate-credentials.sh). */
const ROLES = ["pipeline", "api", "metrics", "ledger"];
const KIND_ANNOTATION = "krm.io/kind";

let objects: readonly KubeObject[];
let workloads: readonly Workload[];

beforeAll(async () => {
  objects = (await renderKustomization(DEPLOY_DIR)).objects;
  workloads = workloadsOf(objects);
});

/** A generated Secret's data, decoded. */
function secretData(name: string): Record<string, string> {
  const data = (findGenerated(objects, "Secret", name)["data"] ?? {}) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64").toString()]),
  );
}

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

  it("gives all pipelines the same pod spec: one template, not one copy per kind", async () => {
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

  it("runs one krm image, configured from krm-config, its role's credentials, then the krm-env Secret", () => {
    const containers = krmContainers();
    expect(new Set(containers.map((c) => c.image)).size).toBe(1);
    const config = findGenerated(objects, "ConfigMap", "krm-config").metadata.name;
    const secret = findGenerated(objects, "Secret", "krm-env").metadata.name;
    for (const workload of workloads.filter((w) =>
      w.containers.some((c) => c.image?.includes("krm") === true),
    )) {
      const role = workload.object.metadata.labels?.["app.kubernetes.io/component"] ?? "";
      const credentials = findGenerated(objects, "Secret", `krm-${role}-credentials`).metadata.name;
      for (const container of workload.containers)
        expect(envFromNames(container)).toEqual([config, credentials, secret]);
    }
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
    for (const role of ROLES) keys.push(...Object.keys(secretData(`krm-${role}-credentials`)));
    expect(keys).toContain("REDIS_URL");
    for (const key of keys) expect(twins, key).toContain(key);
    const containerEnv = krmContainers().flatMap((c) => (c.env ?? []).map((variable) => variable.name));
    for (const name of containerEnv) expect(twins, name).toContain(name);
  });

  it("points each role at the bundled Redis as its own ACL user, and at the bundled InfluxDB", () => {
    for (const role of ROLES) {
      const url = new URL(secretData(`krm-${role}-credentials`)["REDIS_URL"] ?? "");
      expect(`${url.protocol}//${url.username}@${url.host}`).toBe(`redis:${"//"}${role}@redis:6379`);
      expect(url.password).toMatch(/^[0-9a-f]{48}$/);
    }
    const data = findGenerated(objects, "ConfigMap", "krm-config")["data"] as Record<string, string>;
    expect(data["REDIS_URL"]).toBeUndefined();
    expect(data["INFLUX_URL"]).toBe("http://influxdb:8086");
    expect(data["KRM_AUTH"]).toBe("kubernetes");
    expect(secretData("krm-metrics-credentials")["INFLUX_USERNAME"]).toBe("krm-metrics");
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

describe("NetworkPolicies", () => {
  function clientsOf(name: string): string[] | undefined {
    const target = workloads.find((w) => w.object.metadata.name === name);
    if (target === undefined) throw new Error(`no workload ${name}`);
    const policies = objects.filter((o) => o.kind === "NetworkPolicy");
    return allowedClients(policies, workloads, target);
  }
  const pipelineNames = (): string[] => pipelines().map((w) => w.object.metadata.name);

  it("let only krm's pipelines, API, metrics and ledger reach Redis", () => {
    expect(clientsOf("redis")).toEqual([...pipelineNames(), "krm-api", "krm-ledger", "krm-metrics"].sort());
  });

  it("let only the metrics exporter and Chronograf reach InfluxDB", () => {
    expect(clientsOf("influxdb")).toEqual(["chronograf", "krm-metrics"]);
  });

  it("let no pod reach Chronograf, the pipelines, the metrics exporter or the ledger; the API stays reachable", () => {
    for (const name of ["chronograf", "krm-metrics", "krm-ledger", ...pipelineNames()])
      expect(clientsOf(name), name).toEqual([]);
    expect(clientsOf("krm-api")).toBeUndefined();
  });
});

describe("Chronograf", () => {
  it("loads the dashboards in deploy/chronograf and the source with its read-only user", async () => {
    const chronograf = workloads.find((w) => w.object.metadata.name === "chronograf");
    const container = chronograf?.containers[0];
    const resourcesPath = container ? envValue(container, "RESOURCES_PATH") : undefined;
    const mount = container?.volumeMounts?.find((m) => m.mountPath === resourcesPath);
    const volume = chronograf?.template.spec?.volumes?.find((v) => v.name === mount?.name);
    const configMap = findGenerated(objects, "ConfigMap", "chronograf-resources");
    const source = findGenerated(objects, "Secret", "chronograf-source");
    expect(volume?.projected?.sources?.map((s) => s.configMap?.name ?? s.secret?.name)).toEqual([
      configMap.metadata.name,
      source.metadata.name,
    ]);

    const files = (await readdir(join(DEPLOY_DIR, "chronograf")).catch(() => [])).filter((f) =>
      f.endsWith(".dashboard"),
    );
    const data = (configMap["data"] ?? {}) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(files.sort());
    for (const file of files) {
      expect(data[file]).toBe(await readFile(join(DEPLOY_DIR, "chronograf", file), "utf8"));
    }
    const template = JSON.parse(
      await readFile(join(DEPLOY_DIR, "chronograf", "krm-influxdb.src"), "utf8"),
    ) as object;
    const provisioned = JSON.parse(secretData("chronograf-source")["krm-influxdb.src"] ?? "{}") as object;
    const influx = secretData("influxdb-credentials");
    expect(provisioned).toEqual({
      ...template,
      username: influx["INFLUXDB_READ_USER"],
      password: influx["INFLUXDB_READ_USER_PASSWORD"],
    });
    expect(influx["INFLUXDB_HTTP_AUTH_ENABLED"]).toBe("true");
  });
});
