/**
 * Metrics read from PostgreSQL (defined in docs/metrics.md). The leaderboard and the
 * confusion matrix come from the trigger-maintained aggregates (exact, and a
 * few dozen rows per run); the comparison of two runs joins their completions (./paired).
 */
import type pg from "pg";
import { GRADER, latestVerdictsSql, readPrimaryJudge } from "../judging/counted";
import { RUBRIC_JUDGE_NAME } from "../validations/judging";
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
  return countedFromCompletions(db, projectId, null, null);
}

/**
 * One judge's figures (`?judge=`): the policy verdict of each completion is
 * that judge's latest applicable one, pending where it has not judged
 * (lib/judging/counted.ts). Computed with GROUP BY over the completions (the
 * aggregates hold the counted verdicts only); `run` narrows it to one run.
 */
export async function leaderboardForJudge(db: pg.ClientBase | pg.Pool, projectId: number, judge: string, run: string | null = null): Promise<RunMetrics[]> {
  return countedFromCompletions(db, projectId, judge, run);
}

async function countedFromCompletions(db: pg.ClientBase | pg.Pool, projectId: number, judge: string | null, run: string | null): Promise<RunMetrics[]> {
  const policy = judge === null ? "c.policy_verdict" : "coalesce(l.verdict, 'pending')";
  const join = judge === null ? "" : `LEFT JOIN (${latestVerdictsSql("$1", "$3")}) l ON l.completion_id = c.id`;
  const runs = (await listRuns(db, projectId)).filter((r) => run === null || r.name === run);
  const stats = await db.query<CountsRow>(
    `SELECT c.run_id, c.expected_intent, count(*) AS total,
            count(*) FILTER (WHERE c.intent_verdict = 'correct') AS correct,
            count(*) FILTER (WHERE c.intent_verdict = 'wrong') AS wrong,
            count(*) FILTER (WHERE c.intent_verdict = 'format_error') AS format_error,
            count(*) FILTER (WHERE ${policy} = 'pass') AS policy_pass,
            count(*) FILTER (WHERE ${policy} = 'fail') AS policy_fail,
            count(*) FILTER (WHERE ${policy} = 'pending') AS policy_pending,
            count(*) FILTER (WHERE c.intent_verdict = 'correct' AND ${policy} = 'pass') AS system_success
       FROM completions c ${join}
      WHERE c.project_id = $1 AND c.run_id = ANY($2::int[]) GROUP BY c.run_id, c.expected_intent`,
    judge === null ? [projectId, runs.map((r) => r.id)] : [projectId, runs.map((r) => r.id), judge],
  );
  return assemble(runs, stats.rows);
}

export async function runMetrics(db: pg.ClientBase | pg.Pool, projectId: number, runName: string, judge: string | null = null): Promise<RunMetrics | null> {
  const board = judge === null ? await leaderboard(db, projectId) : await leaderboardForJudge(db, projectId, judge, runName);
  return board.find((entry) => entry.run === runName) ?? null;
}

/**
 * The judges whose verdicts a page can show alone: the configured ones (the
 * built-in rubric judge among them) and every judge name with a verdict in
 * the project (imported ones too), by name; `primary` is the project's primary judge.
 */
export async function verdictJudges(db: pg.ClientBase | pg.Pool, projectId: number): Promise<{ names: string[]; primary: string | null }> {
  // A skip scan over policy_verdicts (project_id, judge_name, completion_id): one index probe per distinct name.
  const { rows } = await db.query<{ name: string }>(
    `WITH RECURSIVE names AS (
       (SELECT judge_name AS name FROM policy_verdicts WHERE project_id = $1 ORDER BY judge_name LIMIT 1)
       UNION ALL
       SELECT (SELECT judge_name FROM policy_verdicts WHERE project_id = $1 AND judge_name > n.name ORDER BY judge_name LIMIT 1) FROM names n WHERE n.name IS NOT NULL
     )
     SELECT name FROM names WHERE name IS NOT NULL
     UNION SELECT name FROM judges WHERE project_id = $1
     UNION SELECT $2::text`,
    [projectId, RUBRIC_JUDGE_NAME],
  );
  return { names: rows.map((r) => r.name).filter((name) => name !== GRADER).sort(), primary: await readPrimaryJudge(db, projectId) };
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
