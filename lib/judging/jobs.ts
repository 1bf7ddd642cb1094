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
 * in one transaction with the job's progress, so a run stopped at any point
 * and started again continues where it stopped: what was stored is no longer
 * lacking, and nothing is judged twice (the judge cache answers identical
 * inputs, across runs too, without a request).
 */
import PQueue from "p-queue";
import type pg from "pg";
import { completionFilterSchema } from "../validations/filters";
import { judgeJobRequestSchema, type JudgeJobRequest } from "../validations/judging";
import { JudgeConfigError, resolveJudge, type ResolvedJudge } from "./judges";
import { createLlmJudge, JudgeError, type RetryPolicy } from "./llm";
import { FORMAT_ERROR_RATIONALE, judgeWithRubric } from "./rubric";
import type { JobRow } from "./job-view";
import { cachedVerdicts, lackingVerdicts, storeVerdicts, type JudgeTarget, type NewVerdict } from "./scope";

export const UNKNOWN_INTENT_RATIONALE = "unknown intent";
/** First key of the two-key advisory lock a job's runner holds (the second is the job id). */
const JOB_LOCK_CLASS = 74_117;
const FLUSH_EVERY = 50;

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

/** Cancels a queued or running job (a running one stops at its next batch); false when it had already finished. */
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

type Judged = { ok: true; verdict: NewVerdict } | { ok: false; completionId: number; message: string };

function fixedVerdict(t: JudgeTarget & { key: string }): NewVerdict | null {
  if (t.reply === null) return { completionId: t.id, key: t.key, verdict: "fail", rationale: FORMAT_ERROR_RATIONALE, agreement: null, guidelineVersion: null, cache: false };
  if (t.guideline === null) return { completionId: t.id, key: t.key, verdict: "fail", rationale: UNKNOWN_INTENT_RATIONALE, agreement: null, guidelineVersion: null, cache: false };
  return null;
}

export interface RunOptions {
  retry?: RetryPolicy;
  /** Called after each stored batch. */
  onProgress?: (view: { done: number; errors: number; total: number }) => void;
}

/**
 * Runs a job to its end in this process, if no other process holds it.
 * Returns false when another process does.
 */
export async function runJudgeJob(db: pg.Pool, id: number, options: RunOptions = {}): Promise<boolean> {
  const lock = await db.connect();
  try {
    const { rows: got } = await lock.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [JOB_LOCK_CLASS, id]);
    if (!got[0]!.ok) return false;
    try {
      await runHeld(db, id, options);
    } finally {
      await lock.query("SELECT pg_advisory_unlock($1, $2)", [JOB_LOCK_CLASS, id]);
    }
    return true;
  } finally {
    lock.release();
  }
}

async function runHeld(db: pg.Pool, id: number, options: RunOptions): Promise<void> {
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
  if (job.started_at === null) {
    let total = 0;
    for await (const page of lackingVerdicts(db, projectId, scope, identity)) total += page.length;
    await db.query("UPDATE judge_jobs SET status = 'running', total = $2, judge_version = $3, started_at = now(), updated_at = now() WHERE id = $1", [id, total, judge.version]);
  } else {
    await db.query("UPDATE judge_jobs SET status = 'running', updated_at = now() WHERE id = $1", [id]);
  }

  const judgeOne = judgeFunction(judge, options.retry);
  const queue = new PQueue({ concurrency: judge.kind === "openai" ? judge.concurrency : 1 });
  let buffer: Judged[] = [];
  let cancelled = false;
  let writes = Promise.resolve();
  let failure: unknown = null;
  let reported = 0;
  let pendingWrites = 0;
  const sameInput = new Map<string, Promise<Judged>>();

  const flush = () => {
    const batch = buffer;
    buffer = [];
    pendingWrites += 1;
    writes = writes.then(async () => {
      if (failure) return;
      try {
        const sent = judgeOne.requests();
        cancelled = (await storeBatch(db, projectId, id, identity, batch, sent - reported)) || cancelled;
        reported = sent;
        if (options.onProgress) {
          const { rows: p } = await db.query<{ done: number; errors: number; total: number }>("SELECT done, errors, total FROM judge_jobs WHERE id = $1", [id]);
          options.onProgress(p[0]!);
        }
      } catch (error) {
        failure = error;
      } finally {
        pendingWrites -= 1;
      }
    });
    return writes;
  };

  outer: for await (const page of lackingVerdicts(db, projectId, scope, identity)) {
    const cache = judge.kind === "openai" ? await cachedVerdicts(db, projectId, page.map((t) => t.key)) : new Map();
    for (const t of page) {
      if (cancelled || failure) break outer;
      const fixed = fixedVerdict(t);
      const hit = cache.get(t.key);
      if (fixed || hit) {
        buffer.push({ ok: true, verdict: fixed ?? { completionId: t.id, key: t.key, ...hit!, guidelineVersion: t.guideline!.version, cache: false } });
      } else if (judge.kind === "rubric") {
        buffer.push(rubricVerdict(t)); // no request to wait for
      } else {
        await queue.onSizeLessThan(queue.concurrency * 4);
        void queue.add(async () => {
          // Identical inputs in one job (the same reply to the same conversation in two runs) are asked once.
          let shared = sameInput.get(t.key);
          if (!shared) sameInput.set(t.key, (shared = judgeOne.judge(t)));
          const judged = forCompletion(await shared, t.id); // awaited before reading `buffer`: a flush may have replaced it meanwhile
          buffer.push(judged);
          if (buffer.length >= FLUSH_EVERY && pendingWrites <= 1) void flush();
        });
      }
      // Storing runs beside judging; judging waits only when stores fall behind.
      if (buffer.length >= FLUSH_EVERY) void flush();
      if (pendingWrites > 1) await writes;
    }
  }
  if (cancelled || failure) queue.clear(); // what is waiting is never sent; what is in flight is stored
  await queue.onIdle();
  await flush();
  if (failure) throw failure;
  if (cancelled) return;
  const { rows: end } = await db.query<{ errors: number }>("SELECT errors FROM judge_jobs WHERE id = $1", [id]);
  await finish(db, id, end[0]!.errors > 0 ? "failed" : "done", end[0]!.errors > 0 ? `${end[0]!.errors} completions could not be judged` : null);
}

function forCompletion(judged: Judged, completionId: number): Judged {
  return judged.ok ? { ok: true, verdict: { ...judged.verdict, completionId } } : { ...judged, completionId };
}

async function finish(db: pg.Pool, id: number, status: "done" | "failed", message: string | null): Promise<void> {
  await db.query("UPDATE judge_jobs SET status = $2, message = $3, finished_at = now(), updated_at = now() WHERE id = $1 AND status IN ('queued', 'running')", [id, status, message]);
}

/** Stores one batch with the job's counters; true when the job was cancelled meanwhile. */
async function storeBatch(db: pg.Pool, projectId: number, jobId: number, judge: { name: string; version: string }, batch: Judged[], newRequests: number): Promise<boolean> {
  const verdicts = batch.flatMap((j) => (j.ok ? [j.verdict] : []));
  const errors = batch.flatMap((j) => (j.ok ? [] : [j]));
  let cancelled = false;
  await storeVerdicts(db, projectId, judge, verdicts, async (client, inserted) => {
    if (errors.length > 0) {
      await client.query(
        `INSERT INTO judge_job_errors (project_id, job_id, completion_id, message)
         SELECT $1, $2, x.id, x.message FROM unnest($3::bigint[], $4::text[]) AS x(id, message)
         ON CONFLICT (job_id, completion_id) DO UPDATE SET message = excluded.message`,
        [projectId, jobId, errors.map((e) => e.completionId), errors.map((e) => e.message)],
      );
    }
    // A completion that failed in an earlier attempt of this job and is judged now is no longer an error.
    if (verdicts.length > 0) await client.query("DELETE FROM judge_job_errors WHERE job_id = $1 AND completion_id = ANY($2::bigint[])", [jobId, verdicts.map((v) => v.completionId)]);
    const { rows } = await client.query<{ status: string }>(
      `UPDATE judge_jobs SET done = done + $2, errors = (SELECT count(*) FROM judge_job_errors WHERE job_id = $1), requests = requests + $3, updated_at = now()
        WHERE id = $1 RETURNING status::text`,
      [jobId, inserted, newRequests],
    );
    cancelled = rows[0]?.status === "cancelled";
  });
  return cancelled;
}

interface JudgeFunction {
  judge(t: JudgeTarget & { key: string }): Promise<Judged>;
  requests(): number;
}

function rubricVerdict(t: JudgeTarget & { key: string }): Judged {
  const result = judgeWithRubric(t.reply, t.guideline!.rubric);
  return { ok: true, verdict: { completionId: t.id, key: t.key, ...result, agreement: null, guidelineVersion: t.guideline!.version, cache: false } };
}

function judgeFunction(judge: ResolvedJudge, retry: RetryPolicy | undefined): JudgeFunction {
  if (judge.kind === "rubric") return { requests: () => 0, judge: async (t) => rubricVerdict(t) };
  const llm = createLlmJudge(judge, retry);
  return {
    requests: () => llm.requests,
    judge: async (t) => {
      try {
        const g = t.guideline!;
        const result = await llm.judge({ guideline: g.policy, messages: t.messages, reply: t.reply!, predictedIntent: t.predictedIntent!, intentLabel: g.label });
        return { ok: true, verdict: { completionId: t.id, key: t.key, ...result, guidelineVersion: g.version, cache: true } };
      } catch (error) {
        if (error instanceof JudgeError) return { ok: false, completionId: t.id, message: error.message };
        throw error;
      }
    },
  };
}
