/**
 * Two runs on the cases both answered (docs/metrics.md, "Comparing two runs"),
 * from the pair's counts: every paired case falls into one group of
 * (ground truth, A's prediction, B's prediction, A succeeds, B succeeds). The
 * summary and McNemar's test, the delta confusion matrix and the per-intent
 * success deltas are all sums over those few groups, so they describe exactly
 * the same cases.
 *
 * The groups come from the trigger-maintained `run_pair_counts`, not from
 * `run_confusion`: that counts every completion of a run, so B minus A from it
 * would mix in the cases only one run answered.
 */
import type pg from "pg";
import { mcnemarExact, type McNemarResult } from "./stats";

import type { SuccessKind } from "../validations/filters";
export type { SuccessKind };

/** What success means for each kind, as SQL over a completions alias (shared with the discordant-case lists). */
export const SUCCESS_SQL: Record<SuccessKind, (alias: string) => string> = {
  intent: (a) => `(${a}.intent_verdict = 'correct')`,
  policy: (a) => `(${a}.policy_verdict = 'pass')`,
  system: (a) => `(${a}.intent_verdict = 'correct' AND ${a}.policy_verdict = 'pass')`,
};

export interface RunComparison extends McNemarResult {
  kind: SuccessKind;
  /** Cases answered by both runs. */
  paired: number;
  bothSucceed: number;
  bothFail: number;
}

/** The predicted-intent key of a format error, as in `run_confusion`. */
export const FORMAT_ERROR = "";

export interface PairedGroup {
  expected: string;
  /** "" (FORMAT_ERROR) when that run's completion broke the answer format. */
  predictedA: string;
  predictedB: string;
  successA: boolean;
  successB: boolean;
  n: number;
}

/** Success of one side of a run_pair_counts row `p` (`a` or `b`), per kind. */
export const PAIR_SUCCESS_SQL: Record<SuccessKind, (side: "a" | "b") => string> = {
  intent: (side) => `(p.intent_${side} = 'correct')`,
  policy: (side) => `(p.policy_${side} = 'pass')`,
  system: (side) => `(p.intent_${side} = 'correct' AND p.policy_${side} = 'pass')`,
};

/**
 * The paired cases of runs A and B, grouped; success is `kind` (see SUCCESS_SQL).
 * From the trigger-maintained run_pair_counts (rows per pair of runs, ground
 * truth, both predictions and both verdicts: thousands, whatever the number of
 * cases), which keeps each pair once with the lower run id first.
 */
export async function pairedGroups(db: pg.ClientBase | pg.Pool, projectId: number, runA: number, runB: number, kind: SuccessKind): Promise<PairedGroup[]> {
  if (runA === runB) return selfPairedGroups(db, projectId, runA, kind);
  const [first, second] = runA < runB ? (["a", "b"] as const) : (["b", "a"] as const);
  const { rows } = await db.query<{ expected: string; predicted_a: string; predicted_b: string; success_a: boolean; success_b: boolean; n: number }>(
    `SELECT p.expected_intent AS expected, p.predicted_${first} AS predicted_a, p.predicted_${second} AS predicted_b,
            ${PAIR_SUCCESS_SQL[kind](first)} AS success_a, ${PAIR_SUCCESS_SQL[kind](second)} AS success_b, sum(p.n)::float8 AS n
       FROM run_pair_counts p
      WHERE p.project_id = $1 AND p.run_a = $2 AND p.run_b = $3
      GROUP BY 1, 2, 3, 4, 5
     HAVING sum(p.n) > 0`,
    [projectId, Math.min(runA, runB), Math.max(runA, runB)],
  );
  return rows.map((row) => ({ expected: row.expected, predictedA: row.predicted_a, predictedB: row.predicted_b, successA: row.success_a, successB: row.success_b, n: row.n }));
}

/** A run against itself: every completion is its own pair (from completion_counts). */
async function selfPairedGroups(db: pg.ClientBase | pg.Pool, projectId: number, run: number, kind: SuccessKind): Promise<PairedGroup[]> {
  const { rows } = await db.query<{ expected: string; predicted: string; success: boolean; n: number }>(
    `SELECT s.expected_intent AS expected, s.predicted, ${SUCCESS_SQL[kind]("s")} AS success, sum(s.n)::float8 AS n
       FROM completion_counts s WHERE s.project_id = $1 AND s.run_id = $2
      GROUP BY 1, 2, 3 HAVING sum(s.n) > 0`,
    [projectId, run],
  );
  return rows.map((row) => ({ expected: row.expected, predictedA: row.predicted, predictedB: row.predicted, successA: row.success, successB: row.success, n: row.n }));
}

/** Two runs on the cases both answered: discordant pairs each way and McNemar's exact test. */
export async function compareRuns(db: pg.ClientBase | pg.Pool, projectId: number, runA: number, runB: number, kind: SuccessKind = "system"): Promise<RunComparison> {
  return comparisonOf(await pairedGroups(db, projectId, runA, runB, kind), kind);
}

/** Paired, both succeed, both fail, each run alone, and McNemar's exact test on the discordant pairs. */
export function comparisonOf(groups: readonly PairedGroup[], kind: SuccessKind): RunComparison {
  let paired = 0, both = 0, onlyA = 0, onlyB = 0;
  for (const group of groups) {
    paired += group.n;
    if (group.successA && group.successB) both += group.n;
    else if (group.successA) onlyA += group.n;
    else if (group.successB) onlyB += group.n;
  }
  return { kind, ...mcnemarExact(onlyA, onlyB), paired, bothSucceed: both, bothFail: paired - both - onlyA - onlyB };
}

export interface DeltaCell {
  expected: string;
  /** FORMAT_ERROR for the format-error column. */
  predicted: string;
  /** Paired cases with this ground truth that run A (B) read as `predicted`. */
  a: number;
  b: number;
}

/**
 * The delta confusion matrix: for each (ground truth, predicted) cell where
 * either run has a paired case, both runs' counts (B minus A is the change).
 * Sorted by ground truth, then predicted.
 */
export function deltaCells(groups: readonly PairedGroup[]): DeltaCell[] {
  const cells = new Map<string, DeltaCell>();
  const cell = (expected: string, predicted: string) => {
    const key = JSON.stringify([expected, predicted]);
    let found = cells.get(key);
    if (!found) cells.set(key, (found = { expected, predicted, a: 0, b: 0 }));
    return found;
  };
  for (const group of groups) {
    cell(group.expected, group.predictedA).a += group.n;
    cell(group.expected, group.predictedB).b += group.n;
  }
  return [...cells.values()].sort((x, y) => compareText(x.expected, y.expected) || compareText(x.predicted, y.predicted));
}

export interface IntentDelta {
  intent: string;
  /** Paired cases with this ground truth. */
  paired: number;
  successA: number;
  successB: number;
}

/**
 * Per ground-truth intent: paired cases and each run's successes on them. Both
 * runs are measured on the same cases, so B's rate minus A's is
 * (successB − successA) / paired. Sorted by that delta, largest gain first
 * (ties by intent id).
 */
export function intentDeltas(groups: readonly PairedGroup[]): IntentDelta[] {
  const byIntent = new Map<string, IntentDelta>();
  for (const group of groups) {
    let entry = byIntent.get(group.expected);
    if (!entry) byIntent.set(group.expected, (entry = { intent: group.expected, paired: 0, successA: 0, successB: 0 }));
    entry.paired += group.n;
    if (group.successA) entry.successA += group.n;
    if (group.successB) entry.successB += group.n;
  }
  // (yB − yA)/y.paired against (xB − xA)/x.paired, cross-multiplied: exact, no rounding.
  const byDelta = (x: IntentDelta, y: IntentDelta) => (y.successB - y.successA) * x.paired - (x.successB - x.successA) * y.paired;
  return [...byIntent.values()].sort((x, y) => byDelta(x, y) || compareText(x.intent, y.intent));
}

/** Code-point order, the same whatever the locale (the database's C collation for ids). */
function compareText(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
