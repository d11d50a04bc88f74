/** A served NodePool as the `/dashboard` capacity panel shows it (api/dashboard/capacity-panel.ts). */
import type { PoolUsage } from "../../api/dashboard/capacity-panel.js";
import type { ServedObject } from "./objects.js";

type Json = Record<string, unknown>;
const obj = (value: unknown): Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
const text = (value: unknown): string => (typeof value === "string" ? value : "");

export function poolUsage(pool: ServedObject): PoolUsage {
  const status = obj(pool.json["status"]);
  const percentUsed: Record<string, number> = {};
  for (const [resource, percent] of Object.entries(obj(status["percentUsed"])))
    if (typeof percent === "number") percentUsed[resource] = percent;
  return { name: pool.name, status: text(status["status"]), reason: text(status["reason"]), percentUsed };
}
