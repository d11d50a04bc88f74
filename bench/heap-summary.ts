// Summarizes a V8 .heapsnapshot (node --heapsnapshot-signal=SIGUSR2, then kill -USR2 <pid>)
// as self size per constructor/type, largest first:
// node dist/bench/heap-summary.js <file.heapsnapshot> [--top 20]
import { readFile } from "node:fs/promises";

interface HeapSnapshot {
  readonly snapshot: {
    readonly meta: { readonly node_fields: readonly string[]; readonly node_types: readonly unknown[] };
  };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

export interface HeapGroup {
  readonly name: string;
  readonly count: number;
  readonly selfBytes: number;
}

/** Groups heap nodes by type (and by constructor name for objects), summing self sizes. */
export function heapGroups(snapshot: HeapSnapshot, top: number): { total: number; groups: HeapGroup[] } {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0] as readonly string[];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const groups = new Map<string, { count: number; selfBytes: number }>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt] ?? 0] ?? "?";
    const size = snapshot.nodes[i + sizeAt] ?? 0;
    total += size;
    const name =
      type === "object" || type === "closure"
        ? `${type} ${snapshot.strings[snapshot.nodes[i + nameAt] ?? 0] ?? "?"}`
        : type;
    const group = groups.get(name) ?? { count: 0, selfBytes: 0 };
    group.count += 1;
    group.selfBytes += size;
    groups.set(name, group);
  }
  return {
    total,
    groups: [...groups.entries()]
      .map(([name, g]) => ({ name, ...g }))
      .sort((a, b) => b.selfBytes - a.selfBytes)
      .slice(0, top),
  };
}

const args = process.argv.slice(2);
if (process.argv[1]?.endsWith("heap-summary.js") === true && args[0] !== undefined) {
  const topIndex = args.indexOf("--top");
  const top = topIndex >= 0 ? Number(args[topIndex + 1] ?? "20") : 20;
  const snapshot = JSON.parse(await readFile(args[0], "utf8")) as HeapSnapshot;
  const { total, groups } = heapGroups(snapshot, top);
  process.stdout.write(`heap total ${(total / 1048576).toFixed(1)} MB\n`);
  for (const g of groups) {
    process.stdout.write(
      `  ${(g.selfBytes / 1048576).toFixed(1).padStart(7)} MB  ${String(g.count).padStart(8)}  ${g.name}\n`,
    );
  }
}
