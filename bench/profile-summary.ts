// Summarizes V8 .cpuprofile files (from --cpu-prof) as the functions with the most self time:
// node dist/bench/profile-summary.js <file.cpuprofile>... [--top 15]
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
}

export interface HotFunction {
  readonly name: string;
  readonly where: string;
  readonly selfPercent: number;
}

/** Self time per function (summed over call sites), as a share of all samples, largest first. */
export function hotFunctions(profile: CpuProfile, top: number): HotFunction[] {
  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, { name: string; where: string; hits: number }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where =
      url === "" ? "" : `${url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, "$1/")}:${lineNumber + 1}`;
    const name = functionName === "" ? "(anonymous)" : functionName;
    const key = `${name} ${where}`;
    const entry = byFunction.get(key) ?? { name, where, hits: 0 };
    entry.hits += node.hitCount ?? 0;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, top)
    .map((f) => ({
      name: f.name,
      where: f.where,
      selfPercent: total === 0 ? 0 : Math.round((f.hits / total) * 1000) / 10,
    }));
}

const args = process.argv.slice(2);
if (process.argv[1]?.endsWith("profile-summary.js") === true && args.length > 0) {
  const topIndex = args.indexOf("--top");
  const top = topIndex >= 0 ? Number(args[topIndex + 1] ?? "15") : 15;
  const files = args.filter((a, i) => a !== "--top" && (topIndex < 0 || i !== topIndex + 1));
  for (const file of files) {
    const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
    const seconds = (profile.endTime - profile.startTime) / 1e6;
    process.stdout.write(`\n${basename(file)} (${seconds.toFixed(0)} s profiled)\n`);
    for (const f of hotFunctions(profile, top)) {
      process.stdout.write(`  ${f.selfPercent.toFixed(1).padStart(5)}%  ${f.name}  ${f.where}\n`);
    }
  }
}
