/**
 * What a judge job looks like from outside (the API, the judges page, the
 * command line): its progress, rate and ETA, read from its row.
 */
import type pg from "pg";
import type { JudgeJobView } from "../validations/judging";

/** A row of judge_jobs. */
export interface JobRow {
  id: number;
  project_id: number;
  judge_name: string;
  judge_version: string;
  scope: unknown;
  status: JudgeJobView["status"];
  total: number;
  done: number;
  errors: number;
  requests: number;
  message: string | null;
  created_at: Date;
  started_at: Date | null;
  resumed_at: Date | null;
  done_at_resume: number;
  finished_at: Date | null;
}

export async function judgeJobView(db: pg.Pool, projectId: number, id: number): Promise<JudgeJobView | null> {
  const { rows } = await db.query<JobRow>("SELECT * FROM judge_jobs WHERE project_id = $1 AND id = $2", [projectId, id]);
  const job = rows[0];
  if (!job) return null;
  const { rows: failed } = await db.query<{ completion_id: string; external_id: string; run: string; message: string }>(
    `SELECT e.completion_id, cs.external_id, r.name AS run, e.message FROM judge_job_errors e
       JOIN completions c ON c.project_id = e.project_id AND c.id = e.completion_id
       JOIN cases cs ON cs.project_id = c.project_id AND cs.id = c.case_id JOIN runs r ON r.id = c.run_id
      WHERE e.job_id = $1 ORDER BY e.completion_id LIMIT 100`,
    [id],
  );
  return viewOf(job, failed.map((f) => ({ completionId: Number(f.completion_id), case: f.external_id, run: f.run, message: f.message })));
}

/** The project's newest jobs (without their failures), newest first: what the judges page lists. */
export async function recentJudgeJobs(db: pg.Pool, projectId: number, limit = 20): Promise<(JudgeJobView & { runs: string[] })[]> {
  const { rows } = await db.query<JobRow>("SELECT * FROM judge_jobs WHERE project_id = $1 ORDER BY id DESC LIMIT $2", [projectId, limit]);
  return rows.map((job) => {
    const scope = job.scope as { run?: unknown };
    const runs = Array.isArray(scope.run) ? scope.run.filter((run): run is string => typeof run === "string") : [];
    return { ...viewOf(job, []), runs };
  });
}

/** Progress, rate and ETA of a job row: the rate of its latest start, so that time the job lay idle before a restart does not count. */
function viewOf(job: JobRow, failed: JudgeJobView["failed"]): JudgeJobView {
  const end = job.finished_at ?? new Date();
  const since = job.resumed_at ?? job.started_at; // no resumed_at: a job started before it was recorded, done_at_resume 0
  const seconds = since ? (end.getTime() - since.getTime()) / 1000 : 0;
  const rate = seconds > 0 ? (job.done - job.done_at_resume) / seconds : null;
  const left = job.total - job.done - job.errors;
  return {
    id: job.id,
    judge: job.judge_name,
    judgeVersion: job.judge_version,
    status: job.status,
    total: job.total,
    done: job.done,
    errors: job.errors,
    requests: job.requests,
    rate,
    etaSeconds: job.status === "running" && rate ? Math.max(0, left) / rate : job.status === "done" ? 0 : null,
    failed,
    message: job.message,
    createdAt: job.created_at.toISOString(),
    startedAt: job.started_at?.toISOString() ?? null,
    finishedAt: job.finished_at?.toISOString() ?? null,
  };
}
