/** Parses Go-style durations as used on kube command lines: `30s`, `500ms`, `2m`, `1h30m`. */
export class DurationError extends Error {
  override readonly name = "DurationError";
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/gy;

export function parseDurationMs(text: string): number {
  const trimmed = text.trim();
  if (trimmed === "") throw new DurationError(`empty duration`);
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(trimmed); match !== null; match = PART.exec(trimmed)) {
    const [whole, amount = "", unit = ""] = match;
    total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
    consumed += whole.length;
  }
  if (consumed !== trimmed.length || !Number.isFinite(total)) {
    throw new DurationError(`invalid duration "${text}": use e.g. 30s, 500ms, 2m or 1h30m`);
  }
  return Math.round(total);
}
