/** How the comparison's changes are written: always with a sign, so the direction never rests on colour. Pure. */

const MINUS = "\u2212";

/** A change in a count: "+3", "−2", "±0". */
export function signedCount(delta: number): string {
  if (delta === 0) return "±0";
  return `${delta > 0 ? "+" : MINUS}${Math.abs(delta).toLocaleString("en-US")}`;
}

/**
 * numerator/denominator as signed percentage points with one decimal, rounded
 * half away from zero in integer arithmetic (so 1/16 is +6.3, never +6.2 by a
 * floating-point accident): "+12.5 pp", "−6.3 pp", "±0.0 pp".
 */
export function signedPoints(numerator: number, denominator: number): string {
  if (numerator === 0) return "±0.0 pp";
  const tenths = Math.floor((2000 * Math.abs(numerator) + denominator) / (2 * denominator));
  return `${numerator > 0 ? "+" : MINUS}${Math.floor(tenths / 10)}.${tenths % 10} pp`;
}
