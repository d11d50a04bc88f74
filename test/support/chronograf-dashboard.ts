/**
 * The Chronograf dashboards of deploy/chronograf/ as their tests read them: both forms of a
 * dashboard (`<name>.dashboard` for provisioning, `<name>-export.json` for import), their
 * InfluxQL queries with Chronograf's template variables filled in, and the numbers a query
 * answers on a real InfluxDB.
 */
import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import type { InfluxServer } from "./influx-server.js";

export interface ChronografDashboard {
  readonly name: string;
  readonly cells: readonly {
    readonly name: string;
    readonly queries: readonly { readonly query: string }[];
  }[];
}

export async function readChronografDashboard(
  name: string,
): Promise<{ provisioned: ChronografDashboard; exported: ChronografDashboard }> {
  const provisioned = JSON.parse(
    await readFile(`deploy/chronograf/${name}.dashboard`, "utf8"),
  ) as ChronografDashboard;
  const exported = JSON.parse(await readFile(`deploy/chronograf/${name}-export.json`, "utf8")) as {
    dashboard: ChronografDashboard;
  };
  return { provisioned, exported: exported.dashboard };
}

export const queriesOf = (dashboard: ChronografDashboard): string[] =>
  dashboard.cells.flatMap((cell) => cell.queries.map((q) => q.query));

export const cellQuery = (dashboard: ChronografDashboard, name: string): string =>
  dashboard.cells.find((cell) => cell.name === name)?.queries[0]?.query ?? "";

/** What Chronograf substitutes for its template variables, for a time range of `past` (InfluxQL duration). */
export function withTemplateValues(query: string, past: string, interval: string): string {
  return query
    .replaceAll(":dashboardTime:", `now() - ${past}`)
    .replaceAll(":upperDashboardTime:", "now() + 1m")
    .replaceAll(":interval:", `time(${interval})`);
}

/** The series a query answers and every number in their rows (time column excluded). */
export async function queryNumbers(
  influx: InfluxServer,
  query: string,
  db: string,
): Promise<{ series: number; numbers: number[] }> {
  const answer = await influx.query(query, db);
  const series = answer.results.flatMap((result) => result.series ?? []);
  return {
    series: series.length,
    numbers: series.flatMap((s) =>
      s.values.flatMap((row) => row.slice(1).filter((value): value is number => typeof value === "number")),
    ),
  };
}

/**
 * Both forms hold the same queries, and every query, with `substitute`d template variables,
 * answers at least one series of finite, non-negative numbers (with `someAboveZero`, at least
 * one of them above zero).
 */
export async function expectEveryQueryPlausible(
  influx: InfluxServer,
  db: string,
  dashboard: { provisioned: ChronografDashboard; exported: ChronografDashboard },
  substitute: (query: string) => string,
  options: { someAboveZero?: boolean } = {},
): Promise<void> {
  const { provisioned, exported } = dashboard;
  expect(queriesOf(exported)).toEqual(queriesOf(provisioned));
  expect(provisioned.cells.length).toBeGreaterThanOrEqual(8);
  for (const query of queriesOf(provisioned)) {
    expect(query).toMatch(/:dashboardTime:/);
    const { series, numbers } = await queryNumbers(influx, substitute(query), db);
    expect(series, `no series for ${query}`).toBeGreaterThan(0);
    expect(numbers.length, query).toBeGreaterThan(0);
    for (const value of numbers) expect(Number.isFinite(value) && value >= 0, query).toBe(true);
    if (options.someAboveZero === true) expect(Math.max(...numbers), query).toBeGreaterThan(0);
  }
}
