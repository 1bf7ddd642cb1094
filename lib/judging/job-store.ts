/**
 * A judge job's storing side (./job-run.ts judges): each batch of verdicts,
 * or a page's answers from the judge cache, is stored in one transaction with
 * the job's counters, its errors recorded and those it judged now cleared.
 */
import type pg from "pg";
import type { LackingTarget } from "./scope";
import { storeCachedVerdicts, storeVerdicts, type NewVerdict, type Stored as StoredVerdicts } from "./store";

/** A completion judged: its verdict (`asked`: it took a request), or the judge's error. */
export type Judged = { ok: true; verdict: NewVerdict; asked: boolean } | { ok: false; completionId: number; key: string; message: string; asked: true };

/** Runs in a batch's transaction before the job's counters move (a first start records the job's total there). */
export type BeforeProgress = ((client: pg.PoolClient) => Promise<void>) | undefined;

export interface Stored {
  status: string;
  done: number;
  errors: number;
  total: number;
}

/** The job's counters after a store: its status (to see a cancel), done, errors, total. */
async function progress(client: pg.PoolClient, jobId: number, inserted: number, newRequests: number, newErrors: number, before: BeforeProgress): Promise<Stored> {
  await before?.(client);
  const { rows } = await client.query<Stored>(
    "UPDATE judge_jobs SET done = done + $2, errors = errors + $4, requests = requests + $3, updated_at = now() WHERE id = $1 RETURNING status::text, done, errors, total",
    [jobId, inserted, newRequests, newErrors],
  );
  return rows[0] ?? { status: "cancelled", done: 0, errors: 0, total: 0 };
}

/** A completion that failed in an earlier attempt of the job and has a verdict now is no longer an error: the errors removed. */
async function clearErrors(client: pg.ClientBase, jobId: number, completionIds: number[]): Promise<number> {
  if (completionIds.length === 0) return 0;
  const { rowCount } = await client.query("DELETE FROM judge_job_errors WHERE job_id = $1 AND completion_id = ANY($2::bigint[])", [jobId, completionIds]);
  return rowCount ?? 0;
}

/** Stores the judge cache's answers for a page's completions with the job's counters; `ids`: those the cache answered. */
export async function storeCacheHits(db: pg.Pool, projectId: number, jobId: number, judge: { name: string; version: string }, targets: LackingTarget[], hadErrors: boolean, before: BeforeProgress): Promise<StoredVerdicts<Stored>> {
  const keyed = targets.map((t) => ({ completionId: t.id, key: t.key, guidelineVersion: t.guideline!.version }));
  return storeCachedVerdicts(db, projectId, judge, keyed, async (client, inserted, ids) => progress(client, jobId, inserted, 0, hadErrors ? -(await clearErrors(client, jobId, ids)) : 0, before));
}

/**
 * Stores one batch with the job's counters and returns them (and whether the
 * job was cancelled meanwhile). `hadErrors`: the job has recorded errors, so
 * a completion judged now may be one of them. The counters move by what this
 * batch changed, so batches stored side by side add up.
 */
export async function storeBatch(db: pg.Pool, projectId: number, jobId: number, judge: { name: string; version: string }, batch: Judged[], newRequests: number, hadErrors: boolean, before: BeforeProgress): Promise<Stored> {
  const verdicts = batch.flatMap((j) => (j.ok ? [j.verdict] : []));
  const errors = batch.flatMap((j) => (j.ok ? [] : [j]));
  return storeVerdicts(db, projectId, judge, verdicts, async (client, inserted) => {
    let newErrors = 0;
    if (errors.length > 0) {
      const { rows } = await client.query<{ fresh: boolean }>(
        `INSERT INTO judge_job_errors (project_id, job_id, completion_id, message)
         SELECT $1, $2, x.id, x.message FROM unnest($3::bigint[], $4::text[]) AS x(id, message)
         ON CONFLICT (job_id, completion_id) DO UPDATE SET message = excluded.message
         RETURNING (xmax = 0) AS fresh`,
        [projectId, jobId, errors.map((e) => e.completionId), errors.map((e) => e.message)],
      );
      newErrors += rows.filter((row) => row.fresh).length;
    }
    if (hadErrors) newErrors -= await clearErrors(client, jobId, verdicts.map((v) => v.completionId));
    return progress(client, jobId, inserted, newRequests, newErrors, before);
  });
}
