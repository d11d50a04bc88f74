/**
 * Integer arithmetic on numbers where it is provably exact, with bigint where it is not.
 * A sum of integers is exact in a double while the sum of their magnitudes stays ≤ 2^53 − 1
 * (then every partial sum does too); past that, `ExactSum` carries on in bigint.
 */

/** Σ of integers given both as number and as bigint; exact either way. */
export class ExactSum {
  private number = 0;
  private magnitude = 0;
  private big: bigint | undefined;

  add(value: number, exact: bigint): void {
    if (this.big !== undefined) {
      this.big += exact;
      return;
    }
    // A float sum of magnitudes rounds up past MAX_SAFE_INTEGER rather than below it.
    this.magnitude += Math.abs(value);
    if (this.magnitude <= Number.MAX_SAFE_INTEGER) this.number += value;
    else this.big = BigInt(this.number) + exact;
  }

  get value(): bigint {
    return this.big ?? BigInt(this.number);
  }
}

/**
 * ⌊dividend / divisor⌋ for 0 < both ≤ 2^53 − 1: `%` is exact on doubles, the difference is an
 * exact multiple of the divisor, and dividing it gives an integer IEEE division cannot round.
 */
export function floorDivide(dividend: number, divisor: number): number {
  return (dividend - (dividend % divisor)) / divisor;
}
