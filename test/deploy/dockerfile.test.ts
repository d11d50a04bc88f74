import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseStages, type Instruction, type Stage } from "./dockerfile.js";

/**
 * The Dockerfile's structure: multi-stage, slim Node LTS, build then prune, only production
 * files in the runtime stage, non-root, krm as the entrypoint. container-image.test.ts builds
 * the image (scripts/build-image.sh) and runs it; this checks the rules a run cannot see.
 */

const ROOT = resolve(import.meta.dirname, "../..");
const NODE_LTS_SLIM =
  /^(node:(2[02468])-[a-z]+-slim|gcr\.io\/distroless\/nodejs(2[02468])(-debian\d+)?(:nonroot)?)$/;

let stages: Stage[];
let build: Stage;
let runtime: Stage;

function instructions(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

beforeAll(async () => {
  stages = parseStages(await readFile(resolve(ROOT, "Dockerfile"), "utf8"));
  const first = stages[0];
  const last = stages[stages.length - 1];
  if (first === undefined || last === undefined) throw new Error("Dockerfile has no FROM");
  build = first;
  runtime = last;
});

describe("Dockerfile", () => {
  it("has a build stage and a runtime stage, both on a slim Node LTS image", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBe("build");
    for (const stage of stages) expect(stage.image).toMatch(NODE_LTS_SLIM);
  });

  it("runs a Node that satisfies package.json's engines", async () => {
    const pkg = JSON.parse(await readFile(resolve(ROOT, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    const required = Number(/(\d+)/.exec(pkg.engines.node)?.[1]);
    const major = Number(/(\d\d)/.exec(runtime.image)?.[1]);
    expect(major).toBeGreaterThanOrEqual(required);
  });

  it("installs from the lockfile, builds, then prunes dev dependencies, in that order", () => {
    const runs = instructions(build, "RUN")
      .map((instruction) => instruction.args)
      .join(" && ");
    const ci = runs.indexOf("npm ci");
    const compile = runs.indexOf("npm run build");
    const prune = runs.indexOf("npm prune --omit=dev");
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(compile).toBeGreaterThan(ci);
    expect(prune).toBeGreaterThan(compile);
    expect(instructions(build, "COPY").map((copy) => copy.args)).toContainEqual(
      expect.stringMatching(/^package\.json package-lock\.json /),
    );
  });

  it("copies every TypeScript source folder into the build stage", async () => {
    const tsconfig = JSON.parse(await readFile(resolve(ROOT, "tsconfig.json"), "utf8")) as {
      include: string[];
    };
    const copied = instructions(build, "COPY").map((copy) => copy.args.split(/\s+/)[0]);
    for (const folder of tsconfig.include) expect(copied, folder).toContain(folder);
  });

  it("gives the runtime stage only the build output, the launcher, production node_modules and package.json", () => {
    const copies = instructions(runtime, "COPY");
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      expect(copy.args).toMatch(/--from=build\b/);
      const sources = copy.args
        .split(/\s+/)
        .filter((word) => !word.startsWith("--"))
        .slice(0, -1);
      for (const source of sources)
        expect(["/app/dist", "/app/bin", "/app/node_modules", "/app/package.json"]).toContain(source);
    }
    const runtimeRuns = instructions(runtime, "RUN").map((run) => run.args);
    for (const run of runtimeRuns) expect(run).not.toMatch(/npm (ci|install|i )/);
  });

  it("runs as a non-root numeric user", () => {
    const users = instructions(runtime, "USER");
    const last = users[users.length - 1]?.args ?? "";
    expect(last).toMatch(/^\d+(:\d+)?$/);
    expect(Number(last.split(":")[0])).toBeGreaterThan(0);
    expect(Number(last.split(":")[0])).toBe(10001);
  });

  it("has krm's CLI as its entrypoint, in exec form", () => {
    const entrypoints = instructions(runtime, "ENTRYPOINT");
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0]?.args ?? "null")).toEqual(["/app/bin/krm"]);
  });

  it("keeps local state and build output out of the build context", async () => {
    const ignored = (await readFile(resolve(ROOT, ".dockerignore"), "utf8"))
      .split("\n")
      .map((line) => line.trim());
    for (const path of [".git", "node_modules", "dist", ".cluster"]) expect(ignored).toContain(path);
  });
});
