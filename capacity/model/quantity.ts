/**
 * Kubernetes resource quantities (`k8s.io/apimachinery/pkg/api/resource.Quantity`) as exact
 * integers: every amount is held in **milli-units** as a bigint (1 CPU = 1000n, 1 byte =
 * 1000n, 1 pod = 1000n). Milli-units are the finest unit Kubernetes schedules by (a finer
 * amount such as `1u` of CPU rounds up to `1m`, as `Quantity.MilliValue` does), and bigints
 * keep sums exact where float64 would not (500 nodes × 1 TiB in milli-bytes is beyond 2^53).
 *
 * Accepted forms (the Quantity grammar): a signed decimal number (`1`, `0.5`, `.5`, `5.`)
 * followed by nothing, a binary suffix (`Ki Mi Gi Ti Pi Ei`), a decimal suffix
 * (`n u m k M G T P E`) or a decimal exponent (`e3`, `E-2`).
 */
export class QuantityError extends Error {
  override readonly name = "QuantityError";
}

/** Milli-units in one unit. */
export const MILLI = 1000n;

const BINARY_SUFFIXES: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIXES: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** Longest quantity text accepted: Kubernetes' own quantities are far shorter; this bounds work on hostile input. */
export const MAX_QUANTITY_LENGTH = 64;
/** Largest decimal exponent accepted (10^±EXPONENT_LIMIT); beyond it no real amount lies. */
const EXPONENT_LIMIT = 40;

const GRAMMAR = /^([+-]?)(\d+\.?\d*|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** Parses `text` into milli-units, rounding a finer amount up (towards +∞) like `MilliValue`. */
export function parseQuantity(text: string): bigint {
  if (text.length === 0 || text.length > MAX_QUANTITY_LENGTH)
    throw new QuantityError(`quantity ${JSON.stringify(text.slice(0, MAX_QUANTITY_LENGTH))} is not valid`);
  const match = GRAMMAR.exec(text);
  if (match === null)
    throw new QuantityError(
      `quantity ${JSON.stringify(text)} must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  const [, sign = "", number = "", suffix, exponentText] = match;
  const [whole = "", fraction = ""] = number.split(".");
  let numerator = BigInt(`${whole}${fraction}` || "0");
  let scale = -fraction.length; // numerator × 10^scale is the number
  let binaryShift = 0;
  if (suffix !== undefined && suffix in BINARY_SUFFIXES) binaryShift = BINARY_SUFFIXES[suffix] ?? 0;
  else if (suffix !== undefined) scale += DECIMAL_SUFFIXES[suffix] ?? 0;
  if (exponentText !== undefined) {
    const exponent = Number(exponentText);
    if (Math.abs(exponent) > EXPONENT_LIMIT)
      throw new QuantityError(`quantity ${JSON.stringify(text)} is out of range`);
    scale += exponent;
  }
  numerator <<= BigInt(binaryShift);
  scale += 3; // to milli-units
  const milli = scale >= 0 ? numerator * 10n ** BigInt(scale) : ceilDivide(numerator, 10n ** BigInt(-scale));
  return sign === "-" ? -milli : milli;
}

function ceilDivide(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator;
}

/**
 * Resources measured in bytes, written with binary suffixes: memory, storage and hugepages
 * (`hugepages-2Mi`), as `kubectl describe node` shows them.
 */
export function isByteResource(resource: string): boolean {
  return (
    resource === "memory" ||
    resource === "storage" ||
    resource === "ephemeral-storage" ||
    resource.startsWith("hugepages-") ||
    resource.startsWith("requests.storage") ||
    resource.endsWith(".storage")
  );
}

const BINARY_UNITS: readonly (readonly [string, bigint])[] = [
  ["Ei", 1n << 60n],
  ["Pi", 1n << 50n],
  ["Ti", 1n << 40n],
  ["Gi", 1n << 30n],
  ["Mi", 1n << 20n],
  ["Ki", 1n << 10n],
];

/**
 * The canonical, exact text of `milli` for `resource`: whole units plainly (`2`, `110`),
 * otherwise milli-units (`250m`); whole bytes with the largest binary suffix that divides
 * them exactly (`1Gi`, `1536Mi`, `1000`). `parseQuantity(formatQuantity(x, r)) === x`.
 */
export function formatQuantity(milli: bigint, resource: string): string {
  if (milli % MILLI !== 0n) return `${milli}m`;
  const units = milli / MILLI;
  if (isByteResource(resource) && units !== 0n) {
    for (const [suffix, size] of BINARY_UNITS) if (units % size === 0n) return `${units / size}${suffix}`;
  }
  return units.toString();
}

/**
 * A short, rounded text for tables (`1.5Gi`, `250m`, `3.2`): at most one decimal, so
 * columns stay narrow. Not exact; JSON carries the exact `formatQuantity` form.
 */
export function formatHumanQuantity(milli: bigint, resource: string): string {
  const negative = milli < 0n;
  const magnitude = negative ? -milli : milli;
  const sign = negative ? "-" : "";
  if (isByteResource(resource)) {
    const bytes = Number(magnitude / MILLI);
    for (const [suffix, size] of BINARY_UNITS) {
      const value = bytes / Number(size);
      if (value >= 1) return `${sign}${oneDecimal(value)}${suffix}`;
    }
    return `${sign}${bytes}`;
  }
  if (magnitude >= MILLI || magnitude === 0n) return `${sign}${oneDecimal(Number(magnitude) / 1000)}`;
  return `${sign}${magnitude}m`;
}

function oneDecimal(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1);
}
