import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors.js";
import { cacheObject } from "../replica/cached-object.js";
import { BUILTIN_KINDS, parseCustomKind, type KindSpec } from "../../core/kinds.js";
import { tableBody, tableRequestOf } from "./table-response.js";

const spec = (id: string): KindSpec =>
  BUILTIN_KINDS.find((k) => k.id === id) ?? parseCustomKind("example.com/v1/widgets/Widget");

const KUBECTL_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
const none = new URLSearchParams();

describe("tables", () => {
  it("recognizes kubectl's Accept header and plain JSON", () => {
    expect(tableRequestOf(KUBECTL_ACCEPT, none)).toEqual({
      apiVersion: "meta.k8s.io/v1",
      includeObject: "Metadata",
    });
    expect(tableRequestOf("application/json", none)).toBeUndefined();
    expect(tableRequestOf(undefined, none)).toBeUndefined();
    expect(tableRequestOf(KUBECTL_ACCEPT, new URLSearchParams("includeObject=Object"))?.includeObject).toBe(
      "Object",
    );
    expect(() => tableRequestOf(KUBECTL_ACCEPT, new URLSearchParams("includeObject=All"))).toThrow(
      BadRequestError,
    );
  });

  it("prints pods with kubectl's columns", () => {
    const pod = cacheObject(
      "a/p",
      JSON.stringify({
        metadata: { name: "p", namespace: "a", creationTimestamp: "2026-01-01T00:00:00Z" },
        spec: { nodeName: "n1", containers: [{ name: "c" }, { name: "d" }] },
        status: {
          phase: "Running",
          podIP: "10.0.0.1",
          containerStatuses: [
            { ready: true, restartCount: 1, state: { running: {} } },
            { ready: false, restartCount: 2, state: { waiting: { reason: "CrashLoopBackOff" } } },
          ],
        },
      }),
    );
    const now = Date.parse("2026-01-01T00:05:00Z");
    const table = JSON.parse(
      tableBody(spec("pods"), { apiVersion: "meta.k8s.io/v1", includeObject: "Metadata" }, [pod], "{}", now),
    ) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
    };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
      "IP",
      "Node",
      "Nominated Node",
      "Readiness Gates",
    ]);
    expect(table.rows[0]?.cells).toEqual([
      "p",
      "1/2",
      "CrashLoopBackOff",
      "3",
      "5m",
      "10.0.0.1",
      "n1",
      "<none>",
      "<none>",
    ]);
    expect(table.rows[0]?.object).toMatchObject({ kind: "PartialObjectMetadata", metadata: { name: "p" } });
  });

  it.each([
    {
      kind: "resourcequotas",
      object: {
        metadata: { name: "q", namespace: "a", creationTimestamp: "2026-01-01T00:00:00Z" },
        status: {
          hard: { pods: "20", "requests.cpu": "4", "limits.memory": "16Gi", "requests.nvidia.com/gpu": "2" },
          used: { pods: "5", "requests.cpu": "1500m", "limits.memory": "2Gi" },
        },
      },
      columns: ["Name", "Request", "Limit", "Age"],
      cells: [
        "q",
        "pods: 5/20, requests.cpu: 1500m/4, requests.nvidia.com/gpu: 0/2",
        "limits.memory: 2Gi/16Gi",
        "5m",
      ],
    },
    {
      kind: "namespaces",
      object: {
        metadata: { name: "web", creationTimestamp: "2026-01-01T00:00:00Z" },
        status: { phase: "Active" },
      },
      columns: ["Name", "Status", "Age"],
      cells: ["web", "Active", "5m"],
    },
  ])("prints $kind with kubectl's columns", ({ kind, object, columns, cells }) => {
    const cached = cacheObject(object.metadata.name, JSON.stringify(object));
    const now = Date.parse("2026-01-01T00:05:00Z");
    const table = JSON.parse(
      tableBody(spec(kind), { apiVersion: "meta.k8s.io/v1", includeObject: "None" }, [cached], "{}", now),
    ) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(columns);
    expect(table.rows[0]?.cells).toEqual(cells);
  });

  it("prints a custom kind by its CRD's printer columns, typed as the API server types them", () => {
    const widget: KindSpec = {
      ...parseCustomKind("example.com/v1/widgets/Widget"),
      printerColumns: [
        { name: "Size", type: "string", format: "", description: "", priority: 0, jsonPath: ".spec.size" },
        {
          name: "Replicas",
          type: "integer",
          format: "",
          description: "",
          priority: 0,
          jsonPath: ".spec.replicas",
        },
        {
          name: "Ready",
          type: "string",
          format: "",
          description: "",
          priority: 1,
          jsonPath: ".status.conditions[0].status",
        },
        {
          name: "Created",
          type: "date",
          format: "",
          description: "",
          priority: 0,
          jsonPath: ".metadata.creationTimestamp",
        },
      ],
    };
    const object = {
      metadata: { name: "w1", namespace: "a", creationTimestamp: "2026-01-01T00:00:00Z" },
      spec: { size: "large", replicas: 3 },
    };
    const table = JSON.parse(
      tableBody(
        widget,
        { apiVersion: "meta.k8s.io/v1", includeObject: "None" },
        [cacheObject("a/w1", JSON.stringify(object))],
        "{}",
        0,
      ),
    ) as { columnDefinitions: { name: string; priority: number }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => [c.name, c.priority])).toEqual([
      ["Name", 0],
      ["Size", 0],
      ["Replicas", 0],
      ["Ready", 1],
      ["Created", 0],
    ]);
    expect(table.rows[0]?.cells).toEqual(["w1", "large", 3, null, "2026-01-01T00:00:00Z"]);
  });
});
