/**
 * Which policy verdict counts. Every completion shows one: its project's
 * primary judge's most recent verdict when the project has a primary judge
 * (pending when that judge has not judged it), otherwise the most recent
 * verdict of any judge, imported ones included. The grader's `fail` of a
 * format error counts under every rule (any judge gives that verdict, without
 * a call). Verdicts given before the completion's text was replaced are
 * `superseded` and never count.
 *
 * The completion row carries the counted verdict and its guideline version
 * (`policy_verdict`, `policy_guideline_version`), which the aggregates, the
 * table and the metrics read. Writers of verdicts (judge jobs, ingestion)
 * read the primary judge with FOR SHARE in their transaction, and changing
 * it locks the project row, so a verdict stored while it changes is counted
 * by the new rule.
 */
import type pg from "pg";
import { withTransaction } from "../db/pool";
import { FORMAT_ERROR_POLICY } from "../ingest/regrade";

/** The judge name of the format errors' verdicts, which count whoever the primary judge is. */
export const GRADER = FORMAT_ERROR_POLICY.judge;

/** The project's primary judge (null: none), share-locked until the caller's transaction ends. */
export async function primaryJudge(client: pg.ClientBase, projectId: number): Promise<string | null> {
  const { rows } = await client.query<{ primary_judge: string | null }>("SELECT primary_judge FROM projects WHERE id = $1 FOR SHARE", [projectId]);
  return rows[0]?.primary_judge ?? null;
}

/** The project's primary judge (null: none), read without a lock: what a page says it shows. */
export async function readPrimaryJudge(db: pg.ClientBase | pg.Pool, projectId: number): Promise<string | null> {
  const { rows } = await db.query<{ primary_judge: string | null }>("SELECT primary_judge FROM projects WHERE id = $1", [projectId]);
  return rows[0]?.primary_judge ?? null;
}

/** Whether a new verdict from `judge` becomes the counted one. */
export function counts(primary: string | null, judge: string): boolean {
  return primary === null || primary === judge || judge === GRADER;
}

/**
 * The latest applicable verdict per completion, of one judge or of any
 * (`$judge` null): the counted verdicts under that rule. Binds the project
 * and the judge name as `$project` and `$judge`.
 */
export function latestVerdictsSql(project: string, judge: string): string {
  return `SELECT DISTINCT ON (v.completion_id) v.completion_id, v.verdict, v.guideline_version
            FROM policy_verdicts v
           WHERE v.project_id = ${project} AND NOT v.superseded AND (${judge}::text IS NULL OR v.judge_name = ${judge}::text OR v.judge_name = '${GRADER}')
           ORDER BY v.completion_id, v.id DESC`;
}

/**
 * Sets the primary judge (null: none) and recounts every completion of the
 * project under the new rule, in one transaction. Returns how many
 * completions' counted verdict changed.
 */
export async function setPrimaryJudge(db: pg.Pool, projectId: number, judge: string | null, inTx?: (client: pg.PoolClient, recounted: number) => Promise<void>): Promise<number> {
  return withTransaction(async (client) => {
    await client.query("UPDATE projects SET primary_judge = $2 WHERE id = $1", [projectId, judge]);
    const { rowCount } = await client.query(
      `UPDATE completions c SET policy_verdict = coalesce(l.verdict, 'pending'), policy_guideline_version = l.guideline_version, updated_at = now()
         FROM completions c0 LEFT JOIN (${latestVerdictsSql("$1", "$2")}) l ON l.completion_id = c0.id
        WHERE c0.project_id = $1 AND c.project_id = $1 AND c.id = c0.id
          AND (c.policy_verdict IS DISTINCT FROM coalesce(l.verdict, 'pending') OR c.policy_guideline_version IS DISTINCT FROM l.guideline_version)`,
      [projectId, judge],
    );
    if (inTx) await inTx(client, rowCount ?? 0);
    return rowCount ?? 0;
  }, db);
}
