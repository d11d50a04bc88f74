// `npm run bench:routing`: the API's hot paths routed by node:http (routeOf) and by Express 5,
// the same handler in one server process, cells interleaved so both variants see the same
// machine load. Writes raw JSON to bench/results/; docs/routing.md reads it.
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { machineInfo } from "./machine.js";
import { runPool } from "./pool.js";
import { ROUTING_POPULATION } from "./routing/population.js";
import { ratio, round, summarize, type LatencySummary } from "./stats.js";

const VARIANTS = ["node", "express"] as const;
type Variant = (typeof VARIANTS)[number];
const PATHS = ["list", "get", "watch-start", "healthz"] as const;
type PathName = (typeof PATHS)[number];

interface Options {
  readonly requests: number;
  readonly repetitions: number;
  readonly concurrencies: readonly number[];
  readonly warmup: number;
}

function parseOptions(argv: readonly string[]): Options {
  const numbers = (name: string, fallback: string): number[] =>
    (argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback)
      .split(",")
      .map((text) => {
        const value = Number(text);
        if (!Number.isInteger(value) || value <= 0)
          throw new Error(`--${name}: not a positive integer: ${text}`);
        return value;
      });
  const one = (name: string, fallback: number): number => numbers(name, String(fallback))[0] ?? fallback;
  return {
    requests: one("requests", 2000),
    repetitions: one("repetitions", 5),
    concurrencies: numbers("concurrency", "16,32"),
    warmup: one("warmup", 1000),
  };
}

/** Request `index` of a cell: namespaces and names rotate so no one object is hot. */
function pathOf(name: PathName, index: number, resourceVersion: string): string {
  const { namespaces, podsPerNamespace } = ROUTING_POPULATION;
  const namespace = `ns-${index % namespaces}`;
  switch (name) {
    case "list":
      return `/api/v1/namespaces/${namespace}/pods`;
    case "get":
      // Pod i lives in ns-(i % namespaces); the pod count is a multiple of the namespace count.
      return `/api/v1/namespaces/${namespace}/pods/pod-${index % (namespaces * podsPerNamespace)}`;
    case "watch-start":
      return `/api/v1/namespaces/${namespace}/pods?watch=1&resourceVersion=${resourceVersion}`;
    case "healthz":
      return "/healthz";
  }
}

/**
 * One request; resolves with its latency in ms: to the end of the body, or for a watch to
 * its response headers (the watch is then cut, as a client that got what it wanted).
 */
function timed(agent: Agent, port: number, path: string, watch: boolean): Promise<number> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, agent, headers: { accept: "application/json" } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        if (watch) {
          res.on("error", () => undefined);
          resolvePromise(performance.now() - started);
          req.destroy();
          return;
        }
        res.resume();
        res.on("end", () => resolvePromise(performance.now() - started));
        res.on("error", reject);
      },
    );
    req.on("error", (error) => {
      if (!watch || !req.destroyed) reject(error);
    });
    req.end();
  });
}

interface Cell {
  readonly variant: Variant;
  readonly path: PathName;
  readonly concurrency: number;
  readonly repetition: number;
  readonly requests: number;
  readonly wallMs: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly loadAverage1m: number;
}

interface Server {
  readonly ports: Readonly<Record<Variant, number>>;
  readonly resourceVersion: string;
  stop(): void;
}

async function startServer(): Promise<Server> {
  const entry = join(dirname(fileURLToPath(import.meta.url)), "routing", "server.js");
  const child = spawn(process.execPath, [entry], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`routing server exited with ${code}`))),
  );
  const lines = createInterface({ input: child.stdout });
  const first = new Promise<string>((resolveLine) => lines.once("line", resolveLine));
  const parsed = JSON.parse(await Promise.race([first, exited])) as {
    node: number;
    express: number;
    resourceVersion: string;
  };
  return {
    ports: { node: parsed.node, express: parsed.express },
    resourceVersion: parsed.resourceVersion,
    stop: () => child.kill(),
  };
}

async function runCell(
  server: Server,
  variant: Variant,
  path: PathName,
  concurrency: number,
  requests: number,
): Promise<{ samples: number[]; wallMs: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: number[] = [];
  const started = performance.now();
  await runPool(0, requests, concurrency, async (index) => {
    samples.push(
      await timed(
        agent,
        server.ports[variant],
        pathOf(path, index, server.resourceVersion),
        path === "watch-start",
      ),
    );
  });
  const wallMs = performance.now() - started;
  agent.destroy();
  return { samples, wallMs };
}

async function main(options: Options): Promise<string> {
  const machine = machineInfo();
  const startedAt = new Date();
  const server = await startServer();
  const cells: Cell[] = [];
  try {
    for (const variant of VARIANTS)
      for (const path of PATHS) await runCell(server, variant, path, 16, options.warmup);
    for (let repetition = 0; repetition < options.repetitions; repetition++) {
      for (const concurrency of options.concurrencies) {
        for (const path of PATHS) {
          // Alternate which variant goes first so neither always follows the other.
          const order = (repetition + PATHS.indexOf(path)) % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
          for (const variant of order) {
            const { samples, wallMs } = await runCell(server, variant, path, concurrency, options.requests);
            const cell: Cell = {
              variant,
              path,
              concurrency,
              repetition,
              requests: samples.length,
              wallMs: round(wallMs) ?? 0,
              requestsPerSecond: round((samples.length / wallMs) * 1000, 1) ?? 0,
              latencyMs: summarize(samples),
              loadAverage1m: round(loadavg()[0] ?? 0, 2) ?? 0,
            };
            cells.push(cell);
            process.stdout.write(
              `rep ${repetition} c=${concurrency} ${path.padEnd(11)} ${variant.padEnd(7)} ${cell.requestsPerSecond} req/s p50 ${cell.latencyMs.p50} ms p99 ${cell.latencyMs.p99} ms\n`,
            );
          }
        }
      }
    }
  } finally {
    server.stop();
  }
  const summary = PATHS.flatMap((path) =>
    options.concurrencies.map((concurrency) => {
      const of = (variant: Variant): Cell[] =>
        cells.filter((c) => c.variant === variant && c.path === path && c.concurrency === concurrency);
      const median = (values: number[]): number | null => summarize(values).p50;
      const figures = (variant: Variant) => ({
        medianRequestsPerSecond: median(of(variant).map((c) => c.requestsPerSecond)),
        medianP50Ms: median(of(variant).map((c) => c.latencyMs.p50 ?? 0)),
        medianP99Ms: median(of(variant).map((c) => c.latencyMs.p99 ?? 0)),
      });
      const node = figures("node");
      const express = figures("express");
      return {
        path,
        concurrency,
        node,
        express,
        expressOverNode: {
          requestsPerSecond: ratio(express.medianRequestsPerSecond, node.medianRequestsPerSecond),
          p50: ratio(express.medianP50Ms, node.medianP50Ms),
          p99: ratio(express.medianP99Ms, node.medianP99Ms),
        },
      };
    }),
  );
  const resultsDir = resolve("bench/results");
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `${startedAt.toISOString().slice(0, 10)}-${machine.commit}-routing.json`);
  await writeFile(
    file,
    `${JSON.stringify(
      {
        benchmark: "routing",
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        machine,
        loadAverageAtEnd: loadavg().map((v) => round(v, 2)),
        options,
        population: ROUTING_POPULATION,
        express: await expressVersion(),
        summary,
        cells,
      },
      null,
      2,
    )}\n`,
  );
  return file;
}

async function expressVersion(): Promise<string> {
  const name = "express/package.json";
  const { default: manifest } = (await import(name, { with: { type: "json" } })) as {
    default: { version: string };
  };
  return manifest.version;
}

main(parseOptions(process.argv.slice(2))).then(
  (file) => process.stdout.write(`results: ${file}\n`),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
