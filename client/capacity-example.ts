/**
 * Capacity with the typed client, as shown in the README. `test/capacity/capacity-api.test.ts`
 * runs it against two real krm API replicas, so it stays correct.
 *
 *   node dist/client/capacity-example.js http://127.0.0.1:8080
 */
import { pathToFileURL } from "node:url";
import { createKrmClient, KrmStatusError } from "./index.js";

export async function capacityExample(baseUrl: string, token?: string): Promise<string[]> {
  const lines: string[] = [];
  const krm = createKrmClient({ baseUrl, ...(token !== undefined ? { token } : {}) });

  // Pools: requested and leased of reservable, with a status and its reason.
  for (const pool of await krm.capacity.nodePools())
    lines.push(
      `pool ${pool.metadata.name}: cpu ${pool.status.percentUsed["cpu"] ?? "-"}% ${pool.status.status} ${pool.status.reason}`,
    );

  // Consumers: one per namespace (or per value of --consumer-label).
  for (const consumer of await krm.capacity.consumers({ labelSelector: "capacity.krm.dev/status=Ok" }))
    lines.push(
      `consumer ${consumer.metadata.name}: ${consumer.status.pods.running} pods, cpu ${consumer.status.requests["cpu"] ?? "0"}`,
    );

  // Where would 3 replicas of 500m / 1Gi go?
  const fit = await krm.capacity.fit({ replicas: 3, requests: { cpu: "500m", memory: "1Gi" } });
  lines.push(`fit: ${fit.fits} (${fit.pools.map((p) => `${p.pool}=${p.replicas}`).join(", ")})`);

  // Hold 1 CPU on one pool for 10 minutes, then give it back.
  try {
    const lease = await krm.capacity.acquire({ resources: { cpu: "1" }, ttlSeconds: 600, holder: "example" });
    lines.push(
      `leased ${lease.metadata.name} on ${lease.status.pools.join(",")} until ${lease.status.expiresAt ?? ""}`,
    );
    const released = await krm.capacity.release(lease.metadata.name);
    lines.push(`released: ${released.status.phase}`);
  } catch (error) {
    // 409: not enough room; the Status says which pool lacks what.
    if (!(error instanceof KrmStatusError) || error.code !== 409) throw error;
    lines.push(`no room: ${error.status.message ?? ""}`);
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [baseUrl = "http://127.0.0.1:8080"] = process.argv.slice(2);
  capacityExample(baseUrl, process.env["KRM_TOKEN"]).then(
    (lines) => console.log(lines.join("\n")),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
