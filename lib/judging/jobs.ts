/**
 * Judge jobs: judge every completion in a scope (a run and any completion
 * filter) that lacks a verdict for the judge's current configuration and the
 * predicted intent's current guideline version (lib/judging/scope.ts).
 *
 * A job is a row of `judge_jobs`; whoever runs it (the server's worker,
 * delivered by pg-boss, or `ib judge` in its own process) first takes a
 * PostgreSQL advisory lock on it, held on a connection of its own for the
 * whole run, so two processes never run one job at once, and a process that
 * dies releases it with its connection. Verdicts are stored in batches, each
 * in one transaction with the job's progress (./job-run.ts runs the scope),
 * so a run stopped at any point and started again continues where it
 * stopped: what was stored is no longer
 * lacking, and nothing is judged twice (the judge cache answers identical
 * inputs, across runs too, without a request; jobs running at once claim the
 * inputs they ask on the same connection as their lock: ./claims.ts).
 */
import type pg from "pg";
import { completionFilterSchema, type CompletionFilter } from "../validations/filters";
import { judgeJobRequestSchema, type JudgeJobRequest } from "../validations/judging";
import { InputClaims } from "./claims";
import { JudgeConfigError, resolveJudge, type ResolvedJudge } from "./judges";
import { judgeScope, type RunOptions } from "./job-run";
import type { JobRow } from "./job-view";
import { snapshotNow, type JudgeIdentity } from "./scope";

export { UNKNOWN_INTENT_RATIONALE, type RunOptions } from "./job-run";
/** First key of the two-key advisory lock a job's runner holds (the second is the job id). */
const JOB_LOCK_CLASS = 74_117;

export class JudgeJobInputError extends Error {
  override name = "JudgeJobInputError";
}

/** Creates a queued job; the worker (or the caller) runs it. */
export async function createJudgeJob(db: pg.Pool, projectId: number, request: JudgeJobRequest): Promise<number> {
  const judge = await resolveJudge(projectId, request.judge).catch((error: unknown) => {
    throw error instanceof JudgeConfigError ? new JudgeJobInputError(error.message) : error;
  });
  if (!judge) throw new JudgeJobInputError(`no judge '${request.judge}' in this project (the built-in one is 'rubric')`);
  const { rows: runs } = await db.query<{ name: string }>("SELECT name FROM runs WHERE project_id = $1 AND name = ANY($2::text[])", [projectId, request.run]);
  const missing = request.run.filter((run) => !runs.some((r) => r.name === run));
  if (missing.length > 0) throw new JudgeJobInputError(`no run ${missing.map((m) => `'${m}'`).join(", ")} in this project`);
  const { judge: _judge, ...scope } = request;
  const { rows } = await db.query<{ id: number }>(
    "INSERT INTO judge_jobs (project_id, judge_name, judge_version, scope) VALUES ($1, $2, $3, $4) RETURNING id",
    [projectId, judge.name, judge.version, JSON.stringify(scope)],
  );
  return rows[0]!.id;
}

/** Cancels a queued or running job (a running one stops at its next batch, or within a second); false when it had already finished. */
export async function cancelJudgeJob(db: pg.Pool, projectId: number, id: number): Promise<boolean | null> {
  const { rows } = await db.query<{ status: string }>(
    `UPDATE judge_jobs SET status = CASE WHEN status IN ('queued', 'running') THEN 'cancelled'::judge_job_status ELSE status END,
            finished_at = CASE WHEN status IN ('queued', 'running') THEN now() ELSE finished_at END, updated_at = now()
      WHERE project_id = $1 AND id = $2 RETURNING status::text`,
    [projectId, id],
  );
  if (rows.length === 0) return null;
  return rows[0]!.status === "cancelled";
}

/** Jobs waiting or running that no process holds: what the worker (re)delivers after a restart. */
export async function unheldJobs(db: pg.Pool): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `SELECT j.id FROM judge_jobs j WHERE j.status IN ('queued', 'running')
        AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = $1 AND l.objid = j.id AND l.objsubid = 2)
      ORDER BY j.id`,
    [JOB_LOCK_CLASS],
  );
  return rows.map((row) => row.id);
}

/**
 * Runs a job to its end in this process, if no other process holds it.
 * Returns false when another process does.
 */
export async function runJudgeJob(db: pg.Pool, id: number, options: RunOptions = {}): Promise<boolean> {
  const lock = await db.connect();
  let broken = false;
  try {
    const { rows: got } = await lock.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [JOB_LOCK_CLASS, id]);
    if (!got[0]!.ok) return false;
    try {
      await runHeld(db, id, options, lock);
    } finally {
      await lock.query("SELECT pg_advisory_unlock($1, $2)", [JOB_LOCK_CLASS, id]);
    }
    return true;
  } catch (error) {
    broken = true; // the connection is closed rather than pooled: whatever lock it may still hold goes with it
    throw error;
  } finally {
    lock.release(broken);
  }
}

/** Runs the job whose lock `lock` holds; the job's claims on inputs (./claims.ts) are taken on the same connection. */
async function runHeld(db: pg.Pool, id: number, options: RunOptions, lock: pg.PoolClient): Promise<void> {
  const { rows } = await db.query<JobRow>("SELECT * FROM judge_jobs WHERE id = $1", [id]);
  const job = rows[0];
  if (!job || (job.status !== "queued" && job.status !== "running")) return;
  const projectId = job.project_id;
  let judge: ResolvedJudge | null;
  try {
    judge = await resolveJudge(projectId, job.judge_name);
  } catch (error) {
    if (error instanceof JudgeConfigError) return finish(db, id, "failed", error.message);
    throw error;
  }
  if (!judge) return finish(db, id, "failed", `judge '${job.judge_name}' no longer exists`);
  const { run, ...filter } = judgeJobRequestSchema.omit({ judge: true }).parse(job.scope);
  const scope = completionFilterSchema.parse({ ...filter, run });
  const identity = { name: judge.name, version: judge.version };

  // The total is counted once, on the first start; a restart keeps it and its counters.
  if (job.started_at !== null) {
    await db.query(
      `UPDATE judge_jobs SET status = CASE WHEN status = 'queued' THEN 'running'::judge_job_status ELSE status END,
              resumed_at = now(), done_at_resume = done, updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'running')`,
      [id],
    );
  }
  const counting = job.started_at === null ? await countFromNow(db, projectId, scope, identity) : null;
  let ended: "done" | "cancelled";
  try {
    // Judging starts beside the count; a batch is stored once it is in (so no transaction holds rows while it waits),
    // and the first one records the total with its own counters.
    const start = counting ? { ready: () => counting.total, record: (client: pg.PoolClient) => counting.record(client, id, judge.version) } : undefined;
    const claims = new InputClaims(lock, projectId);
    ended = await judgeScope({ db, jobId: id, projectId, judge, scope, hadErrors: job.errors > 0, start, claims, ...options });
    // When no batch was stored (nothing lacked, or a cancel came first), the total is recorded here; else this changes nothing.
    await counting?.record(db, id, judge.version);
  } finally {
    await counting?.settle();
  }
  if (ended === "cancelled") return;
  const { rows: end } = await db.query<{ errors: number }>("SELECT errors FROM judge_jobs WHERE id = $1", [id]);
  await finish(db, id, end[0]!.errors > 0 ? "failed" : "done", end[0]!.errors > 0 ? `${end[0]!.errors} completions could not be judged` : null);
}

interface Counting {
  total: Promise<number>;
  /** Records the total and marks the job started, once: a no-op after the first transaction that did so committed. */
  record(db: pg.Pool | pg.ClientBase, id: number, judgeVersion: string): Promise<void>;
  /** Waits for the count to end and gives its connection back. */
  settle(): Promise<void>;
}

/** The scope counted in a snapshot taken now (./scope.ts), beside the judging; recorded by the first transaction that needs it. */
async function countFromNow(db: pg.Pool, projectId: number, scope: CompletionFilter, judge: JudgeIdentity): Promise<Counting> {
  const snapshot = await snapshotNow(db);
  const total = snapshot.countLacking(projectId, scope, judge);
  total.catch(() => undefined); // a failed count fails the batches that await it; it is not left unhandled meanwhile
  return {
    total,
    async record(target, id, judgeVersion) {
      await target.query(
        `UPDATE judge_jobs SET status = CASE WHEN status = 'queued' THEN 'running'::judge_job_status ELSE status END,
                total = $2, judge_version = $3, started_at = now(), resumed_at = now(), done_at_resume = 0, updated_at = now()
          WHERE id = $1 AND started_at IS NULL`,
        [id, await total, judgeVersion],
      );
    },
    settle: () => total.then(() => undefined, () => undefined).then(() => snapshot.close()),
  };
}

async function finish(db: pg.Pool, id: number, status: "done" | "failed", message: string | null): Promise<void> {
  await db.query("UPDATE judge_jobs SET status = $2, message = $3, finished_at = now(), updated_at = now() WHERE id = $1 AND status IN ('queued', 'running')", [id, status, message]);
}

