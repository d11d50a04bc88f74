/**
 * Reading what kubectl prints and logs, for tests that run it against krm and the API server
 * side by side.
 */

/**
 * A kubectl table as rows of cells, cut at the header's column offsets (kubectl aligns
 * them), so an empty cell does not shift the columns after it. Columns named in `omit` are
 * left out: AGE by default, computed at print time and a second apart between two answers.
 */
export function tableCells(out: string, omit: readonly string[] = ["AGE"]): string[][] {
  const lines = out.split("\n").filter((l) => l !== "");
  const headings = [...(lines[0] ?? "").matchAll(/\S+(?: \S+)*/g)];
  const starts = headings.map((m) => m.index);
  const omitted = new Set(headings.flatMap((m, i) => (omit.includes(m[0]) ? [i] : [])));
  return lines.map((line) =>
    starts
      .map((start, i) => line.slice(start, starts[i + 1] ?? line.length).trim())
      .filter((_, i) => !omitted.has(i)),
  );
}

/** The paths (query left out) of the GET requests kubectl logged at `-v=6` or more, in order. */
export function loggedGetPaths(stderr: string): string[] {
  return [...stderr.matchAll(/round_trippers\.go:\d+\] GET (\S+) \d{3}/g)].map(
    (m) => new URL(m[1] ?? "").pathname,
  );
}
