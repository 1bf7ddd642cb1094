/**
 * Pure statistics behind the metrics (docs/metrics.md): proportions,
 * Wilson score intervals and McNemar's exact test. No database, no framework.
 */

/** Two-sided 95% normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

const LN_2PI = Math.log(2 * Math.PI);

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

function assertTrials(successes: number, n: number): void {
  assertCount("successes", successes);
  assertCount("n", n);
  if (successes > n) {
    throw new RangeError(`successes (${successes}) must not exceed n (${n})`);
  }
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/** successes / n, or null when n = 0. */
export function ratio(successes: number, n: number): number | null {
  assertTrials(successes, n);
  return n === 0 ? null : successes / n;
}

/**
 * Lower Wilson bound written without cancellation. With p = s/n,
 * a = p + z²/(2n), h = z·√(p(1−p)/n + z²/(4n²)) and d = 1 + z²/n, the textbook
 * bound (a − h)/d equals p²/(a + h), because a² − h² = p²·d.
 */
function wilsonLower(successes: number, n: number, z: number): number {
  const p = successes / n;
  const z2 = z * z;
  const a = p + z2 / (2 * n);
  const h = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return (p * p) / (a + h);
}

/**
 * Wilson score interval; n = 0 gives null. Bounds clamped to [0,1].
 * The upper bound is 1 − (lower bound of the failures), so 0/n has lower
 * bound exactly 0, n/n has upper bound exactly 1, and the interval of
 * s/n mirrors that of (n−s)/n (up to the rounding of 1 − x).
 */
export function wilsonInterval(successes: number, n: number, z: number = Z95): [number, number] | null {
  assertTrials(successes, n);
  if (!Number.isFinite(z) || z <= 0) throw new RangeError(`z must be a positive finite number, got ${String(z)}`);
  if (n === 0) return null;
  const lower = wilsonLower(successes, n, z);
  const upper = 1 - wilsonLower(n - successes, n, z);
  return [clamp01(lower), clamp01(upper)];
}

// ---------------------------------------------------------------------------
// Binomial(n, 1/2) lower tail in log space (Loader's saddle-point method, as
// used by R's dbinom): accurate to near machine precision and free of the
// cancellation that log n! − log k! − log (n−k)! suffers for n in the millions.
// ---------------------------------------------------------------------------

/** stirlerr(m) = log(m!) − log(√(2πm)·(m/e)^m), exact sums for m ≤ 15. */
const STIRLERR_SMALL: readonly number[] = (() => {
  const table = [0]; // stirlerr(0) is never used
  let logFactorial = 0;
  for (let m = 1; m <= 15; m++) {
    logFactorial += Math.log(m);
    table.push(logFactorial - (m + 0.5) * Math.log(m) + m - 0.5 * LN_2PI);
  }
  return table;
})();

function stirlerr(m: number): number {
  if (m <= 15) return STIRLERR_SMALL[m] ?? 0;
  const S0 = 1 / 12;
  const S1 = 1 / 360;
  const S2 = 1 / 1260;
  const S3 = 1 / 1680;
  const S4 = 1 / 1188;
  const mm = m * m;
  return (S0 - (S1 - (S2 - (S3 - S4 / mm) / mm) / mm) / mm) / m;
}

/** bd0(x, np) = x·log(x/np) + np − x, with a series when x is close to np. */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v = v * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / np) + np - x;
}

/** log P(X = k) for X ~ Binomial(n, 1/2), 0 ≤ k ≤ n. */
function logBinomialHalfPmf(k: number, n: number): number {
  if (k === 0 || k === n) return -n * Math.LN2;
  const half = n / 2;
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, half) - bd0(n - k, half);
  return lc + 0.5 * (Math.log(n) - LN_2PI - Math.log(k) - Math.log(n - k));
}

/**
 * log P(X ≤ k) for X ~ Binomial(n, 1/2), requiring 2k < n. The terms below k
 * are summed relative to P(X = k): P(X = i−1)/P(X = i) = i/(n−i+1) < 1 and
 * shrinks as i falls, so the loop stops once the geometric bound on the
 * remaining tail is below machine precision.
 */
function logBinomialHalfLowerTail(k: number, n: number): number {
  let term = 1;
  let sum = 1;
  for (let i = k; i > 0; i--) {
    term *= i / (n - i + 1);
    sum += term;
    const r = (i - 1) / (n - i + 2); // the largest of all remaining ratios
    if ((term * r) / (1 - r) < sum * Number.EPSILON) break;
  }
  return logBinomialHalfPmf(k, n) + Math.log(sum);
}

export interface McNemarResult {
  onlyA: number;
  onlyB: number;
  discordant: number;
  pValue: number;
  /**
   * Natural log of pValue. pValue underflows to 0 below about 1e-308 (for
   * example 480,000 vs 520,000 discordant cases gives log p ≈ −804); this
   * stays finite and keeps such results comparable.
   */
  logPValue: number;
}

/**
 * McNemar's exact test: two-sided exact binomial test on the discordant pairs,
 * p = min(1, 2·P(X ≤ min(b, c))) for X ~ Binomial(b + c, 1/2); b + c = 0 gives 1.
 * onlyA = cases where run A succeeds and B fails; onlyB the reverse.
 */
export function mcnemarExact(onlyA: number, onlyB: number): McNemarResult {
  assertCount("onlyA", onlyA);
  assertCount("onlyB", onlyB);
  const discordant = onlyA + onlyB;
  const k = Math.min(onlyA, onlyB);
  // 2k ≥ n only when b = c (including b = c = 0): then P(X ≤ k) ≥ 1/2 and p = 1.
  const logPValue = 2 * k >= discordant ? 0 : Math.min(0, Math.LN2 + logBinomialHalfLowerTail(k, discordant));
  return { onlyA, onlyB, discordant, pValue: Math.exp(logPValue), logPValue };
}
