import type { Metadata } from "next";
import { CancelJobForm } from "@/components/judging/cancel-job-form";
import { LiveRefresh } from "@/components/judging/live-refresh";
import { StartJobForm } from "@/components/judging/start-job-form";
import { projectAccess } from "@/lib/auth/access";
import { atLeast } from "@/lib/auth/roles";
import { pool } from "@/lib/db/pool";
import { count } from "@/lib/format";
import { recentJudgeJobs } from "@/lib/judging/job-view";
import { listJudges } from "@/lib/judging/judges";
import { listRuns } from "@/lib/metrics/queries";
import { cancelJob, startJudgeJob } from "./actions";

export const metadata: Metadata = { title: "Judges" };

const STATUS: Record<string, string> = { queued: "waiting", running: "running", done: "done", failed: "failed", cancelled: "cancelled" };

function duration(seconds: number | null): string {
  if (seconds === null) return "–";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

/** The project's judges and judge jobs; leads start and cancel jobs, and watch them progress. */
export default async function JudgesPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  const { project, role } = await projectAccess(name);
  const [judges, jobs, runs] = await Promise.all([listJudges(project.id), recentJudgeJobs(pool(), project.id), listRuns(pool(), project.id)]);
  const lead = atLeast(role, "lead");
  const active = jobs.some((job) => job.status === "queued" || job.status === "running");
  return (
    <section className="space-y-8">
      <LiveRefresh active={active} />
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight">Judges</h1>
        <p className="text-muted">
          A judge decides whether each reply followed the guideline of the intent the model predicted. <code>rubric</code> is built in and offline; LLM judges on any OpenAI-compatible endpoint are set up by an admin with <code>PUT /api/v1/judges/NAME</code>.
        </p>
      </div>
      <div className="overflow-x-auto rounded-lg border border-line bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Judges of this project</caption>
          <thead className="border-b border-line text-xs uppercase tracking-wide text-muted">
            <tr><th className="px-3 py-2">Judge</th><th className="px-3 py-2">Kind</th><th className="px-3 py-2">Model</th><th className="px-3 py-2">Endpoint</th><th className="px-3 py-2">Key</th><th className="px-3 py-2">Version</th></tr>
          </thead>
          <tbody>
            {judges.map((judge) => (
              <tr key={judge.name} className="border-b border-line last:border-0">
                <td className="px-3 py-2 font-medium"><bdi>{judge.name}</bdi></td>
                <td className="px-3 py-2">{judge.kind === "rubric" ? "rubric (built in)" : "LLM"}</td>
                <td className="px-3 py-2"><bdi>{judge.model ?? "–"}</bdi></td>
                <td className="px-3 py-2 break-all"><bdi>{judge.baseUrl ?? "–"}</bdi></td>
                <td className="px-3 py-2 font-mono text-xs">{judge.apiKey ?? "–"}</td>
                <td className="px-3 py-2 tabular-nums">{judge.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
                {count(job.done)} of {count(job.total)} judged · {count(job.errors)} errors · {job.rate === null ? "–" : `${job.rate.toFixed(1)}/s`} · ETA {duration(job.etaSeconds)} · {count(job.requests)} requests to the judge
              </p>
              {job.message ? <p className="mt-1 text-xs text-red-700">{job.message}</p> : null}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
