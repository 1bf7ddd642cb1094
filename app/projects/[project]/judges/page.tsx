import type { Metadata } from "next";
import { CancelJobForm } from "@/components/judging/cancel-job-form";
import { JudgeForm } from "@/components/judging/judge-form";
import { JudgePicker } from "@/components/judging/judge-picker";
import { JudgeTable } from "@/components/judging/judge-table";
import { LiveRefresh } from "@/components/judging/live-refresh";
import { PrimaryJudgeForm } from "@/components/judging/primary-judge-form";
import { StartJobForm } from "@/components/judging/start-job-form";
import { Notice } from "@/components/notice";
import { projectAccess } from "@/lib/auth/access";
import { atLeast } from "@/lib/auth/roles";
import { pool } from "@/lib/db/pool";
import { count } from "@/lib/format";
import { recentJudgeJobs } from "@/lib/judging/job-view";
import { listJudges } from "@/lib/judging/judges";
import { DEFAULT_PROMPT_TEMPLATE } from "@/lib/judging/prompt";
import { listRuns, verdictJudges } from "@/lib/metrics/queries";
import { parseSearchParams, textParam } from "@/lib/url-state";
import { PROMPT_VARIABLES, RUBRIC_JUDGE_NAME, type JudgeListItem } from "@/lib/validations/judging";
import { cancelJob, savePrimaryJudge, saveJudge, startJudgeJob } from "./actions";

export const metadata: Metadata = { title: "Judges" };

const STATUS: Record<string, string> = { queued: "waiting", running: "running", done: "done", failed: "failed", cancelled: "cancelled" };

function duration(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

/** `?edit=NAME`: the LLM judge the settings form changes; anything else falls back to adding one, and says why. */
function editedJudge(raw: string | undefined, judges: JudgeListItem[]): { judge: JudgeListItem | null; notice: string | null } {
  if (raw === undefined) return { judge: null, notice: null };
  const judge = judges.find((each) => each.kind === "openai" && each.name === raw);
  if (judge) return { judge, notice: null };
  return { judge: null, notice: raw === RUBRIC_JUDGE_NAME ? "The rubric judge is built in and has no settings to change: the form adds a new LLM judge." : "There is no LLM judge of that name here: the form adds a new one." };
}

/** The project's judges and judge jobs; leads start and cancel jobs and watch them progress; admins set up LLM judges and choose the primary judge. */
export default async function JudgesPage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { project: name } = await params;
  const { project, role } = await projectAccess(name);
  const [judges, jobs, runs, counting] = await Promise.all([listJudges(project.id), recentJudgeJobs(pool(), project.id), listRuns(pool(), project.id), verdictJudges(pool(), project.id)]);
  const lead = atLeast(role, "lead");
  const admin = atLeast(role, "admin");
  const editing = admin ? editedJudge(parseSearchParams({ edit: textParam(200) }, await searchParams).edit, judges) : { judge: null, notice: null };
  const active = jobs.some((job) => job.status === "queued" || job.status === "running");
  return (
    <section className="space-y-8">
      <LiveRefresh active={active} />
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Judges</h1>
        <p className="text-muted">
          A judge decides whether each reply followed the guideline of the intent the model predicted. <code>rubric</code> is built in and offline; LLM judges on any OpenAI-compatible endpoint are set up by a project admin, on this page or with <code>PUT /api/v1/judges/NAME</code>{admin ? null : "; their endpoints and keys are shown to project admins only"}.
        </p>
      </div>
      <JudgeTable judges={judges} primary={counting.primary} settings={admin} />
      <section aria-labelledby="counted-heading" className="space-y-3">
        <h2 id="counted-heading" className="text-lg font-semibold">Which verdicts count</h2>
        <p data-testid="counted-rule">
          {counting.primary === null ? (
            <>No primary judge: the leaderboard, the tables and the metrics count each completion&apos;s most recent verdict of any judge, imported ones included.</>
          ) : (
            <>The leaderboard, the tables and the metrics count each completion&apos;s most recent verdict of the primary judge, <strong><bdi>{counting.primary}</bdi></strong>; a completion it has not judged is pending (the grader&apos;s fail of a format error counts whoever the primary judge is).</>
          )}
        </p>
        {admin ? <PrimaryJudgeForm action={savePrimaryJudge.bind(null, project.name)} names={counting.names} primary={counting.primary} /> : null}
      </section>
      {admin ? (
        <section aria-labelledby="settings-heading" className="space-y-3">
          <h2 id="settings-heading" className="text-lg font-semibold">LLM judge settings</h2>
          {editing.notice ? <Notice testId="edit-notice">{editing.notice}</Notice> : null}
          <JudgePicker judges={judges.filter((judge) => judge.kind === "openai").map((judge) => judge.name)} editing={editing.judge?.name ?? null} />
          <JudgeForm key={editing.judge?.name ?? ""} action={saveJudge.bind(null, project.name)} judge={editing.judge} variables={PROMPT_VARIABLES} defaultTemplate={DEFAULT_PROMPT_TEMPLATE} />
        </section>
      ) : null}
      {lead ? <StartJobForm action={startJudgeJob.bind(null, project.name)} judges={judges.map((judge) => judge.name)} runs={runs.map((run) => run.name)} /> : null}
      <div className="space-y-3">
        <h2 className="text-lg font-semibold">Jobs</h2>
        {jobs.length === 0 ? <p className="text-muted">No judge job yet.</p> : null}
        <ul className="space-y-3">
          {jobs.map((job) => (
            <li key={job.id} className="rounded-lg border border-line bg-white p-4" data-testid="judge-job" aria-label={`Job ${job.id}`}>
              <div className="flex flex-wrap items-baseline gap-x-3 text-sm">
                <strong>Job {job.id}</strong>
                <span><bdi>{job.judge}</bdi> v{job.judgeVersion} on <bdi>{job.runs.join(", ")}</bdi></span>
                <span data-testid="job-status" className="font-medium">{STATUS[job.status] ?? job.status}</span>
                {lead && (job.status === "queued" || job.status === "running") ? <CancelJobForm action={cancelJob.bind(null, project.name)} job={job.id} /> : null}
              </div>
              <progress className="mt-2 h-2 w-full" max={Math.max(job.total, 1)} value={job.status === "done" && job.total === 0 ? 1 : job.done + job.errors} aria-label={`Job ${job.id} progress`} />
              <p className="mt-1 text-xs text-muted tabular-nums" data-testid="job-progress">
                {job.status === "queued"
                  ? "not started yet: the worker counts its completions when it takes it"
                  : `${count(job.done)} of ${count(job.total)} judged · ${count(job.errors)} errors · ${job.rate === null ? "–" : `${job.rate.toFixed(1)}/s`} · ETA ${duration(job.etaSeconds)} · ${count(job.requests)} requests to the judge`}
              </p>
              {job.message ? <p className="mt-1 text-xs text-red-700">{job.message}</p> : null}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
