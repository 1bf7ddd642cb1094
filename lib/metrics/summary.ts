/**
 * Per-run (and per-intent) metric summaries from outcome counts, as defined in
 * docs/metrics.md:
 * - intent accuracy = correct / all completions (format errors count as not correct);
 * - policy accuracy = pass / (pass + fail), pending excluded and counted separately;
 * - system accuracy = completions with intent correct AND policy pass / all
 *   completions, measured jointly; intent × policy accuracy is a reference only.
 * Each rate comes with a 95% Wilson score interval and the counts behind it.
 */
import { ratio, wilsonInterval, Z95 } from "./stats";

/** Counts over a set of completions, as the database returns them. */
export interface OutcomeCounts {
  total: number;
  correct: number;
  wrong: number;
  formatError: number;
  policyPass: number;
  policyFail: number;
  policyPending: number;
  systemSuccess: number; // intent correct AND policy pass
}

const COUNT_KEYS = [
  "total",
  "correct",
  "wrong",
  "formatError",
  "policyPass",
  "policyFail",
  "policyPending",
  "systemSuccess",
] as const satisfies readonly (keyof OutcomeCounts)[];

export const ZERO_COUNTS: OutcomeCounts = Object.freeze({
  total: 0,
  correct: 0,
  wrong: 0,
  formatError: 0,
  policyPass: 0,
  policyFail: 0,
  policyPending: 0,
  systemSuccess: 0,
});

export function addCounts(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  return {
    total: a.total + b.total,
    correct: a.correct + b.correct,
    wrong: a.wrong + b.wrong,
    formatError: a.formatError + b.formatError,
    policyPass: a.policyPass + b.policyPass,
    policyFail: a.policyFail + b.policyFail,
    policyPending: a.policyPending + b.policyPending,
    systemSuccess: a.systemSuccess + b.systemSuccess,
  };
}

export interface RateSummary {
  accuracy: number | null;
  ci95: [number, number] | null;
}

export interface MetricSummary {
  total: number;
  intent: { correct: number; wrong: number; formatError: number } & RateSummary;
  policy: { pass: number; fail: number; pending: number } & RateSummary;
  system: { success: number } & RateSummary;
  /** intent accuracy x policy accuracy: a reference only, never the system figure */
  productReference: number | null;
}

/**
 * Validates the invariants (correct+wrong+formatError = total,
 * pass+fail+pending = total, systemSuccess <= min(correct, pass), all
 * non-negative integers); throws an Error naming the broken invariant.
 * Also checks the inclusion–exclusion floor systemSuccess >= correct + pass − total,
 * which any real set of completions satisfies.
 */
export function assertConsistentCounts(counts: OutcomeCounts): void {
  for (const key of COUNT_KEYS) {
    const value = counts[key];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`inconsistent counts: ${key} must be a non-negative integer, got ${String(value)}`);
    }
  }
  const { total, correct, wrong, formatError, policyPass, policyFail, policyPending, systemSuccess } = counts;
  if (correct + wrong + formatError !== total) {
    throw new Error(
      `inconsistent counts: correct + wrong + formatError = total is broken (${correct} + ${wrong} + ${formatError} != ${total})`,
    );
  }
  if (policyPass + policyFail + policyPending !== total) {
    throw new Error(
      `inconsistent counts: policyPass + policyFail + policyPending = total is broken (${policyPass} + ${policyFail} + ${policyPending} != ${total})`,
    );
  }
  if (systemSuccess > Math.min(correct, policyPass)) {
    throw new Error(
      `inconsistent counts: systemSuccess <= min(correct, policyPass) is broken (${systemSuccess} > min(${correct}, ${policyPass}))`,
    );
  }
  if (systemSuccess < correct + policyPass - total) {
    throw new Error(
      `inconsistent counts: systemSuccess >= correct + policyPass - total is broken (${systemSuccess} < ${correct} + ${policyPass} - ${total})`,
    );
  }
}

function rate(successes: number, n: number): RateSummary {
  return { accuracy: ratio(successes, n), ci95: wilsonInterval(successes, n, Z95) };
}

export function summarize(counts: OutcomeCounts): MetricSummary {
  assertConsistentCounts(counts);
  const intent = rate(counts.correct, counts.total);
  const policy = rate(counts.policyPass, counts.policyPass + counts.policyFail);
  const system = rate(counts.systemSuccess, counts.total);
  return {
    total: counts.total,
    intent: { correct: counts.correct, wrong: counts.wrong, formatError: counts.formatError, ...intent },
    policy: { pass: counts.policyPass, fail: counts.policyFail, pending: counts.policyPending, ...policy },
    system: { success: counts.systemSuccess, ...system },
    productReference:
      intent.accuracy === null || policy.accuracy === null ? null : intent.accuracy * policy.accuracy,
  };
}

/** One row of the per-intent table: the three rates plus support (completion count). */
export interface IntentMetricSummary {
  intentId: string;
  support: number;
  summary: MetricSummary;
}

/**
 * Summaries per intent, in the order given. Support is the number of
 * completions whose case expects that intent.
 */
export function summarizeByIntent(
  countsByIntent: ReadonlyMap<string, OutcomeCounts> | Readonly<Record<string, OutcomeCounts>>,
): IntentMetricSummary[] {
  const entries = countsByIntent instanceof Map ? [...countsByIntent.entries()] : Object.entries(countsByIntent);
  return entries.map(([intentId, counts]) => ({ intentId, support: counts.total, summary: summarize(counts) }));
}

/** Sum of many count sets, e.g. the per-intent rows back into a run total. */
export function sumCounts(all: Iterable<OutcomeCounts>): OutcomeCounts {
  let sum: OutcomeCounts = ZERO_COUNTS;
  for (const counts of all) sum = addCounts(sum, counts);
  return sum;
}
