/**
 * Usage accounting and right-sizing with the typed client, as shown in the README.
 * `test/usage/usage-views.test.ts` runs it against a real krm API, ledger and Prometheus, so it
 * stays correct.
 *
 *   node dist/client/usage-example.js http://127.0.0.1:8080 2026-01-01T00:00:00Z shop
 */
import { pathToFileURL } from "node:url";
import { createKrmClient } from "./index.js";

export async function usageExample(
  baseUrl: string,
  from: string,
  namespace: string,
  options: { readonly to?: string; readonly token?: string } = {},
): Promise<string[]> {
  const lines: string[] = [];
  const krm = createKrmClient({ baseUrl, ...(options.token !== undefined ? { token: options.token } : {}) });

  // Reserved core-hours and GiB-hours per namespace, and each one's share of a 12 000 EUR bill.
  const report = await krm.usage.review({
    from,
    ...(options.to !== undefined ? { to: options.to } : {}),
    groupBy: "namespace",
    bill: { total: 12_000, currency: "EUR" },
  });
  for (const row of report.rows)
    lines.push(
      `${row.group}: ${row.cpuCoreHours.toFixed(2)} core-hours, ${row.memoryGiBHours.toFixed(2)} GiB-hours, ` +
        `${(row.ratio * 100).toFixed(1)}% = ${(row.cost ?? 0).toFixed(2)} ${report.currency ?? ""}`,
    );

  // The same report as a danfojs DataFrame (optional peer dependency: npm install danfojs@1.1).
  const frame = await report.toDataFrame();
  lines.push(`frame ${frame.shape.join("x")}: ${frame.columns.join(",")}`);

  // Right-sizing: per workload container, current → recommended requests (from Prometheus).
  const recommendations = await krm.usage.recommendations(namespace);
  for (const r of recommendations)
    for (const c of r.status.containers)
      lines.push(
        `${r.metadata.name}/${c.name} ${r.status.verdict}: ` +
          `cpu ${c.current.requests?.["cpu"] ?? "-"} → ${c.recommended?.requests?.["cpu"] ?? "?"}, ` +
          `memory ${c.current.requests?.["memory"] ?? "-"} → ${c.recommended?.requests?.["memory"] ?? "?"}`,
      );
  const first = recommendations[0];
  if (first !== undefined) {
    const one = await krm.usage.recommendation(namespace, first.metadata.name);
    lines.push(
      `${one.metadata.name} frees cpu ${one.status.reservedDelta.cpu}, memory ${one.status.reservedDelta.memory}`,
    );
  }
  lines.push(`recommendations frame ${(await recommendations.toDataFrame()).shape.join("x")}`);
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [
    baseUrl = "http://127.0.0.1:8080",
    from = new Date(Date.now() - 86_400_000).toISOString(),
    namespace = "default",
  ] = process.argv.slice(2);
  usageExample(
    baseUrl,
    from,
    namespace,
    process.env["KRM_TOKEN"] !== undefined ? { token: process.env["KRM_TOKEN"] } : {},
  ).then(
    (lines) => console.log(lines.join("\n")),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
