/**
 * Capacity history as InfluxDB points (schema: metrics/SCHEMA.md "Capacity"): one point per
 * pool × resource and consumer × resource per sample, amounts in base units (cores, bytes,
 * pods, GPUs) as floats, plus one status point per pool and per consumer.
 */
import { Point } from "@influxdata/influxdb-client";
import { msToNanos } from "../../metrics/point-timestamp.js";
import type { ServedObject } from "../serve/objects.js";
import { parseQuantity } from "../model/index.js";

export const CAPACITY_POOL = "krm_capacity_pool";
export const CAPACITY_POOL_STATUS = "krm_capacity_pool_status";
export const CAPACITY_CONSUMER = "krm_capacity_consumer";
export const CAPACITY_CONSUMER_STATUS = "krm_capacity_consumer_status";

const LEVEL: Readonly<Record<string, number>> = { Ok: 0, Warning: 1, Critical: 2, Overcommitted: 3 };
type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
const units = (text: unknown): number =>
  Number(parseQuantity(typeof text === "string" && text !== "" ? text : "0")) / 1000;
const text = (value: unknown): string => (typeof value === "string" ? value : "");

function perResource(
  measurement: string,
  tag: string,
  name: string,
  fields: Readonly<Record<string, Json>>,
  percent: Json,
  nowMs: number,
): Point[] {
  const resources = new Set(Object.values(fields).flatMap((f) => Object.keys(f)));
  return [...resources].sort().map((resource) => {
    const point = new Point(measurement).tag(tag, name).tag("resource", resource).timestamp(msToNanos(nowMs));
    for (const [field, values] of Object.entries(fields)) point.floatField(field, units(values[resource]));
    const pct = percent[resource];
    if (typeof pct === "number") point.floatField("percent_used", pct);
    return point;
  });
}

export function poolPoints(pool: ServedObject, nowMs: number): Point[] {
  const status = obj(pool.json["status"]);
  const nodes = obj(status["nodes"]);
  const fields = {
    allocatable: obj(status["allocatable"]),
    reservable: obj(status["reservable"]),
    requested: obj(status["requested"]),
    limits: obj(status["limits"]),
    leased: obj(status["leased"]),
    free: obj(status["free"]),
    pending: obj(obj(status["pending"])["requests"]),
  };
  return [
    ...perResource(CAPACITY_POOL, "pool", pool.name, fields, obj(status["percentUsed"]), nowMs),
    new Point(CAPACITY_POOL_STATUS)
      .tag("pool", pool.name)
      .intField("nodes_schedulable", Number(nodes["schedulable"] ?? 0))
      .intField("nodes_unschedulable", Number(nodes["unschedulable"] ?? 0))
      .intField("pending_pods", Number(obj(status["pending"])["pods"] ?? 0))
      .intField("level", LEVEL[text(status["status"])] ?? 0)
      .stringField("status", text(status["status"]))
      .stringField("reason", text(status["reason"]))
      .timestamp(msToNanos(nowMs)),
  ];
}

export function consumerPoints(consumer: ServedObject, nowMs: number): Point[] {
  const status = obj(consumer.json["status"]);
  const quota = obj(status["quota"]);
  const pods = obj(status["pods"]);
  const fields = {
    requests: obj(status["requests"]),
    limits: obj(status["limits"]),
    pending: obj(status["pending"]),
  };
  return [
    ...perResource(
      CAPACITY_CONSUMER,
      "consumer",
      consumer.name,
      fields,
      obj(status["shareOfCluster"]),
      nowMs,
    ),
    new Point(CAPACITY_CONSUMER_STATUS)
      .tag("consumer", consumer.name)
      .intField("pods_running", Number(pods["running"] ?? 0))
      .intField("pods_pending", Number(pods["pending"] ?? 0))
      .intField("level", LEVEL[text(status["status"])] ?? 0)
      .stringField("status", text(status["status"]))
      .floatField(
        "quota_percent_used_max",
        Math.max(
          0,
          ...Object.values(obj(quota["percentUsed"])).filter((v): v is number => typeof v === "number"),
        ),
      )
      .timestamp(msToNanos(nowMs)),
  ];
}
