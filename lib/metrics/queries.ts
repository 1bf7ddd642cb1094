/**
 * Metrics read from PostgreSQL (defined in docs/metrics.md). The leaderboard and the
 * confusion matrix come from the trigger-maintained aggregates (exact, and a
 * few dozen rows per run); the comparison of two runs joins their completions (./paired).
 */
import type pg from "pg";
import { summarize, sumCounts, ZERO_COUNTS, type MetricSummary, type OutcomeCounts } from "./summary";

export interface RunInfo {
  id: number;
  name: string;
  model: string;
  createdAt: Date;
}

export interface IntentMetrics extends MetricSummary {
  id: string;
}

export interface RunMetrics extends MetricSummary {
  run: string;
  model: string;
  perIntent: IntentMetrics[];
}

interface CountsRow {
  run_id: number;
  expected_intent: string;
  total: number;
  correct: number;
  wrong: number;
  format_error: number;
  policy_pass: number;
  policy_fail: number;
  policy_pending: number;
  system_success: number;
}

function toCounts(row: CountsRow): OutcomeCounts {
  return {
    total: row.total,
    correct: row.correct,
    wrong: row.wrong,
    formatError: row.format_error,
    policyPass: row.policy_pass,
    policyFail: row.policy_fail,
    policyPending: row.policy_pending,
    systemSuccess: row.system_success,
  };
}

export async function listRuns(db: pg.ClientBase | pg.Pool, projectId: number): Promise<RunInfo[]> {
  const { rows } = await db.query<{ id: number; name: string; model: string; created_at: Date }>(
    "SELECT id, name, model, created_at FROM runs WHERE project_id = $1 ORDER BY created_at, id",
    [projectId],
  );
  return rows.map((row) => ({ id: row.id, name: row.name, model: row.model, createdAt: row.created_at }));
}

function assemble(runs: RunInfo[], rows: CountsRow[]): RunMetrics[] {
  const byRun = new Map<number, CountsRow[]>();
  for (const row of rows) byRun.set(row.run_id, [...(byRun.get(row.run_id) ?? []), row]);
  return runs.map((run) => {
    const intents = (byRun.get(run.id) ?? []).sort((a, b) => a.expected_intent.localeCompare(b.expected_intent));
    const perIntent = intents.map((row) => ({ id: row.expected_intent, ...summarize(toCounts(row)) }));
    const total = intents.length === 0 ? ZERO_COUNTS : sumCounts(intents.map(toCounts));
    return { run: run.name, model: run.model, ...summarize(total), perIntent };
  });
}

/** Every run of the project with its metrics and per-intent breakdown, from the aggregates. */
export async function leaderboard(db: pg.ClientBase | pg.Pool, projectId: number): Promise<RunMetrics[]> {
  const [runs, stats] = await Promise.all([
    listRuns(db, projectId),
    db.query<CountsRow>(
      `SELECT run_id, expected_intent, total, correct, wrong, format_error, policy_pass, policy_fail, policy_pending, system_success
         FROM run_intent_stats WHERE project_id = $1 AND total > 0`,
      [projectId],
    ),
  ]);
  return assemble(runs, stats.rows);
}

/**
 * The same figures computed straight from the completions table with GROUP BY:
 * the benchmark baseline, and the reference the aggregates are tested against.
 */
export async function leaderboardFromCompletions(db: pg.ClientBase | pg.Pool, projectId: number): Promise<RunMetrics[]> {
  const [runs, stats] = await Promise.all([
    listRuns(db, projectId),
    db.query<CountsRow>(
      `SELECT run_id, expected_intent, count(*) AS total,
              count(*) FILTER (WHERE intent_verdict = 'correct') AS correct,
              count(*) FILTER (WHERE intent_verdict = 'wrong') AS wrong,
              count(*) FILTER (WHERE intent_verdict = 'format_error') AS format_error,
              count(*) FILTER (WHERE policy_verdict = 'pass') AS policy_pass,
              count(*) FILTER (WHERE policy_verdict = 'fail') AS policy_fail,
              count(*) FILTER (WHERE policy_verdict = 'pending') AS policy_pending,
              count(*) FILTER (WHERE intent_verdict = 'correct' AND policy_verdict = 'pass') AS system_success
         FROM completions WHERE project_id = $1 GROUP BY run_id, expected_intent`,
      [projectId],
    ),
  ]);
  return assemble(runs, stats.rows);
}

export async function runMetrics(db: pg.ClientBase | pg.Pool, projectId: number, runName: string): Promise<RunMetrics | null> {
  const board = await leaderboard(db, projectId);
  return board.find((entry) => entry.run === runName) ?? null;
}

export interface ConfusionMatrix {
  /** Ground-truth intents (rows) and predicted intents (columns), sorted; format errors have their own column. */
  expected: string[];
  predicted: string[];
  /** cells[expected][predicted]; the key "" is the format-error column. */
  cells: Record<string, Record<string, number>>;
  formatErrors: Record<string, number>;
}

export async function confusionMatrix(db: pg.ClientBase | pg.Pool, projectId: number, runId: number): Promise<ConfusionMatrix> {
  const { rows } = await db.query<{ expected_intent: string; predicted: string; n: number }>(
    "SELECT expected_intent, predicted, n FROM run_confusion WHERE project_id = $1 AND run_id = $2 AND n > 0",
    [projectId, runId],
  );
  const expected = new Set<string>();
  const predicted = new Set<string>();
  const cells: Record<string, Record<string, number>> = {};
  const formatErrors: Record<string, number> = {};
  for (const row of rows) {
    expected.add(row.expected_intent);
    if (row.predicted === "") formatErrors[row.expected_intent] = row.n;
    else {
      predicted.add(row.predicted);
      (cells[row.expected_intent] ??= {})[row.predicted] = row.n;
    }
  }
  return { expected: [...expected].sort(), predicted: [...predicted].sort(), cells, formatErrors };
}

// The comparison of two runs lives in ./paired (one pass over the paired cases); these names stay importable from here.
export { compareRuns, SUCCESS_SQL, type RunComparison, type SuccessKind } from "./paired";
