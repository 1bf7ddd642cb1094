import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mcnemarExact, ratio, wilsonInterval, Z95 } from "./stats";

// Hand computations use the equivalent closed form of the Wilson interval
//   (2s + z² ± z·√(z² + 4s(n−s)/n)) / (2(n + z²)),
// with z = 1.959963984540054, z² = 3.841458820694125.

function expectInterval(actual: [number, number] | null, lower: number, upper: number): void {
  expect(actual).not.toBeNull();
  const [lo, hi] = actual as [number, number];
  expect(Math.abs(lo - lower)).toBeLessThan(1e-12);
  expect(Math.abs(hi - upper)).toBeLessThan(1e-12);
}

describe("ratio", () => {
  it("divides, and gives null for n = 0", () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(0, 5)).toBe(0);
    expect(ratio(0, 0)).toBeNull();
  });

  it("rejects impossible counts", () => {
    expect(() => ratio(5, 4)).toThrow(RangeError);
    expect(() => ratio(-1, 4)).toThrow(RangeError);
    expect(() => ratio(1.5, 4)).toThrow(RangeError);
    expect(() => ratio(Number.NaN, 4)).toThrow(RangeError);
  });
});

describe("wilsonInterval", () => {
  it("81/100", () => {
    // 4·81·19/100 = 61.56; √(3.841458820694 + 61.56) = 8.087116842280; × z = 15.850457749637
    // 2·81 + z² = 165.841458820694; 2(100 + z²) = 207.682917641388
    // lower = (165.841458820694 − 15.850457749637) / 207.682917641388 = 0.722211546209
    // upper = (165.841458820694 + 15.850457749637) / 207.682917641388 = 0.874852484902
    expectInterval(wilsonInterval(81, 100), 0.7222115462093562, 0.8748524849023126);
    expect(wilsonInterval(81, 100, Z95)).toEqual(wilsonInterval(81, 100));
    // 50/100: 4·50·50/100 = 100; √(z² + 100) = 10.190262941686; × z = 19.972548358697
    // (100 + z² ∓ 19.972548358697) / 207.682917641388 = 0.403831530366, 0.596168469634
    expectInterval(wilsonInterval(50, 100), 0.4038315303659956, 0.5961684696340044);
  });

  it("0/10 and 10/10 reach exactly 0 and 1", () => {
    // s = 0: √(z² + 0) = z, so lower = (z² − z²)/… = 0 and upper = 2z²/(2(10 + z²)) = 3.841458820694/13.841458820694 = 0.277532799863
    const none = wilsonInterval(0, 10);
    expectInterval(none, 0, 0.2775327998628892);
    expect(none?.[0]).toBe(0);
    // s = n = 10: lower = (20 + z² − z²)/(2(10 + z²)) = 10/13.841458820694 = 0.722467200137, upper = 1
    const all = wilsonInterval(10, 10);
    expectInterval(all, 0.7224672001371108, 1);
    expect(all?.[1]).toBe(1);
  });

  it("1/1 and 0/0", () => {
    // lower = (2 + z² − z²)/(2(1 + z²)) = 1/4.841458820694 = 0.206549314377; upper = 1
    expectInterval(wilsonInterval(1, 1), 0.2065493143772374, 1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("a custom z", () => {
    // z = 1, 1/2: (2 + 1 ± √(1 + 4·1·1/2)) / (2·3) = (3 ± √3)/6 = 0.211324865405, 0.788675134595
    expectInterval(wilsonInterval(1, 2, 1), (3 - Math.sqrt(3)) / 6, (3 + Math.sqrt(3)) / 6);
    expect(() => wilsonInterval(1, 2, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it("rejects impossible counts", () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 2.5)).toThrow(RangeError);
  });

  const trials = fc.integer({ min: 1, max: 1e6 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it("property: contains the point estimate and stays within [0, 1]", () => {
    fc.assert(
      fc.property(trials, ([s, n]) => {
        const [lo, hi] = wilsonInterval(s, n) as [number, number];
        const p = s / n;
        return 0 <= lo && lo <= p && p <= hi && hi <= 1;
      }),
    );
  });

  it("property: the interval of s/n mirrors that of (n − s)/n", () => {
    fc.assert(
      fc.property(trials, ([s, n]) => {
        const [lo, hi] = wilsonInterval(s, n) as [number, number];
        const [mlo, mhi] = wilsonInterval(n - s, n) as [number, number];
        // exact up to the rounding of 1 − (1 − x)
        return Math.abs(lo - (1 - mhi)) <= Number.EPSILON && Math.abs(hi - (1 - mlo)) <= Number.EPSILON;
      }),
    );
  });

  it("property: narrows as n grows for a fixed proportion", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 2, max: 100 }),
        (n, q, k) => {
          const s = Math.round(q * n);
          const [lo1, hi1] = wilsonInterval(s, n) as [number, number];
          const [lo2, hi2] = wilsonInterval(k * s, k * n) as [number, number];
          return hi2 - lo2 < hi1 - lo1;
        },
      ),
    );
  });

  it("property: both bounds move up with the successes at fixed n", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constant(n))),
        ([s, n]) => {
          const [lo1, hi1] = wilsonInterval(s, n) as [number, number];
          const [lo2, hi2] = wilsonInterval(s + 1, n) as [number, number];
          return lo1 < lo2 && hi1 < hi2;
        },
      ),
    );
  });
});

/** Exact two-sided p-value with big integers: min(1, 2·Σ_{i≤k} C(n,i) / 2^n), for n ≤ 1000 (so 2^n fits a double). */
function exactMcNemar(b: number, c: number): number {
  const n = b + c;
  const k = Math.min(b, c);
  let coefficient = 1n;
  let tail = 0n;
  for (let i = 0; i <= k; i++) {
    tail += coefficient;
    coefficient = (coefficient * BigInt(n - i)) / BigInt(i + 1);
  }
  return Math.min(1, Number(2n * tail) / 2 ** n);
}

describe("mcnemarExact", () => {
  it("hand-computed small cases", () => {
    // b + c = 0 → p = 1 by definition
    expect(mcnemarExact(0, 0)).toEqual({ onlyA: 0, onlyB: 0, discordant: 0, pValue: 1, logPValue: 0 });
    // n = 1: 2·P(X ≤ 0) = 2·(1/2) = 1
    expect(mcnemarExact(1, 0).pValue).toBe(1);
    // n = 5: 2·P(X ≤ 0) = 2·(1/32) = 0.0625
    expect(mcnemarExact(0, 5).pValue).toBeCloseTo(0.0625, 14);
    // n = 10: 2·P(X ≤ 2) = 2·(1 + 10 + 45)/1024 = 112/1024 = 0.109375
    const r = mcnemarExact(2, 8);
    expect(r).toMatchObject({ onlyA: 2, onlyB: 8, discordant: 10 });
    expect(r.pValue).toBeCloseTo(0.109375, 14);
    expect(r.logPValue).toBeCloseTo(Math.log(0.109375), 13);
    // n = 15: 2·P(X ≤ 3) = 2·(1 + 15 + 105 + 455)/32768 = 1152/32768 = 0.03515625
    expect(mcnemarExact(3, 12).pValue).toBeCloseTo(0.03515625, 14);
    // n = 20: 2·P(X ≤ 10) = 2·(1 + C(20,10)/2^20)/2 > 1 → clamped to 1
    expect(mcnemarExact(10, 10).pValue).toBe(1);
    // n = 3: 2·P(X ≤ 1) = 2·(1 + 3)/8 = 1
    expect(mcnemarExact(1, 2).pValue).toBeCloseTo(1, 14);
    expect(() => mcnemarExact(-1, 3)).toThrow(RangeError);
    expect(() => mcnemarExact(1, 0.5)).toThrow(RangeError);
    expect(() => mcnemarExact(Number.NaN, 0)).toThrow(RangeError);
  });

  it("property: agrees with exact big-integer arithmetic", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (b, c) => {
        const expected = exactMcNemar(b, c);
        const { pValue } = mcnemarExact(b, c);
        return Math.abs(pValue - expected) <= 1e-12 * expected;
      }),
      { numRuns: 300 },
    );
  });

  it("property: symmetric in (b, c), p in [0, 1], logPValue = log p", () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.nat(5000), (b, c) => {
        const ab = mcnemarExact(b, c);
        const ba = mcnemarExact(c, b);
        return (
          ab.pValue === ba.pValue &&
          ab.logPValue === ba.logPValue &&
          ab.pValue >= 0 && // p below ~1e-308 underflows; logPValue keeps it
          ab.pValue <= 1 &&
          ab.logPValue <= 0 &&
          Number.isFinite(ab.logPValue) &&
          (ab.pValue < 1e-300 || Math.abs(Math.log(ab.pValue) - ab.logPValue) < 1e-12) &&
          ab.discordant === b + c
        );
      }),
    );
  });

  it("property: more lopsided discordance never raises p", () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.nat(100_000), (x, y) => {
        const b = Math.min(x, y);
        const c = Math.max(x, y);
        // one more case where B alone succeeds: X ~ Bin(n+1) is stochastically larger, so P(X ≤ b) falls
        const more = mcnemarExact(b, c + 1).logPValue <= mcnemarExact(b, c).logPValue;
        // same total, one case moved from the smaller side to the larger: P(X ≤ b − 1) ≤ P(X ≤ b)
        const moved = b === 0 || mcnemarExact(b - 1, c + 1).logPValue <= mcnemarExact(b, c).logPValue;
        return more && moved;
      }),
    );
  });

  it("b = 0, c = 1,000,000: p = 2·2^−1,000,000 in log space", () => {
    // log p = log 2 − 1,000,000·log 2 = −999,999 × 0.693147180559945 = −693146.487412765
    const r = mcnemarExact(0, 1_000_000);
    expect(r.logPValue).toBeCloseTo(-999_999 * Math.LN2, 6);
    expect(r.pValue).toBe(0);
  });

  it("b = 495,000, c = 505,000: tiny but positive", () => {
    // Hand estimate (Chernoff + geometric tail): p̂ = 0.495, n = 1e6,
    //   D = 0.495·ln 0.99 + 0.505·ln 1.01 = −0.004974916 + 0.005024917 = 0.0000500008
    //   log P(X = k) ≈ −nD − ½ ln(2π n p̂(1−p̂)) = −50.00083 − 7.13350
    //   Σ ratios ≈ 1/(1 − 0.495/0.505) = 50.5 → + ln 50.5 = 3.92197; + ln 2 = 0.69315
    //   log p ≈ −52.5192 (the geometric tail slightly overestimates)
    // Reference at 40 digits (mpmath, same sum): log p = −52.52887316470425, p = 1.538155504390735e-23.
    const r = mcnemarExact(495_000, 505_000);
    expect(Math.abs(r.logPValue - -52.5192)).toBeLessThan(0.02);
    expect(Math.abs(r.logPValue - -52.52887316470425)).toBeLessThan(1e-9);
    expect(r.pValue / 1.538155504390735e-23).toBeCloseTo(1, 9);
  });

  it("b = 480,000, c = 520,000: finite, with the tiny p kept in log space", () => {
    // Hand estimate as above with p̂ = 0.48:
    //   D = 0.48·ln 0.96 + 0.52·ln 1.04 = −0.0195945574 + 0.0203947708 = 0.000800213470
    //   log p ≈ −800.213470 − 7.132746 + ln 13 (2.564949) + ln 2 (0.693147) = −804.08812
    // Reference at 40 digits (mpmath): log p = −804.0887187451669, p = 6.1476e-350,
    // below the smallest double (4.9e-324), so pValue underflows to 0.
    const r = mcnemarExact(480_000, 520_000);
    expect(Number.isFinite(r.pValue)).toBe(true);
    expect(r.pValue).toBeGreaterThanOrEqual(0);
    expect(r.pValue).toBeLessThan(1e-300);
    expect(Number.isFinite(r.logPValue)).toBe(true);
    expect(Math.abs(r.logPValue - -804.08812)).toBeLessThan(2e-3);
    expect(Math.abs(r.logPValue - -804.0887187451669)).toBeLessThan(1e-9);
  });

  it("b = c = 500,000 gives 1; b = 499,999, c = 500,001 just below 1", () => {
    expect(mcnemarExact(500_000, 500_000).pValue).toBe(1);
    // 2·P(X ≤ n/2 − 1) = 1 − P(X = n/2), and C(n, n/2)/2^n ≈ √(2/(πn))·(1 − 1/(4n))
    //   = 7.978845608e-4 × (1 − 2.5e-7) = 7.978843613e-4 → p = 0.99920211564
    const r = mcnemarExact(499_999, 500_001);
    expect(r.pValue).toBeCloseTo(1 - Math.sqrt(2 / (Math.PI * 1e6)) * (1 - 1 / 4e6), 12);
  });
});
