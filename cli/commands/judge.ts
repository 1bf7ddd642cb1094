/**
 * `ib judge --project P --run R --judge J [filters]`: judges every completion
 * of the run (narrowed by any filter of GET /api/v1/completions) that lacks a
 * verdict of J's current configuration, with a progress bar. The work is the
 * judge job of the API (lib/judging/jobs.ts), run in this process (or, if the
 * server's worker took it first, watched until it ends). Exits 0 when every
 * completion in scope has a verdict of J, 1 naming those that have none.
 */
import { z } from "zod";
import { pool } from "../../lib/db/pool";
import { judgeJobView } from "../../lib/judging/job-view";
import { createJudgeJob, JudgeJobInputError, runJudgeJob } from "../../lib/judging/jobs";
import { resolveJudge } from "../../lib/judging/judges";
import { lackingVerdicts } from "../../lib/judging/scope";
import { completionFilterSchema } from "../../lib/validations/filters";
import { judgeJobRequestSchema, type JudgeJobView } from "../../lib/validations/judging";
import { parseOptions, UsageError } from "../args";
import { resolveProject } from "../project-option";
import { formatCount, formatDuration, Progress } from "../progress";
import { projectNameSchema, withDatabase } from "./project";

const MULTI = ["run", "expectedIntent", "predictedIntent", "intentVerdict", "policyVerdict", "tag", "winner"] as const;
const SINGLE = ["judge", "project", "systemSuccess", "stale", "success", "agreement", "q"] as const;

const schema = z.object({ project: projectNameSchema.optional() }).passthrough();

async function follow(id: number, projectId: number, progress: Progress): Promise<JudgeJobView> {
  for (;;) {
    const view = (await judgeJobView(pool(), projectId, id))!;
    progress.update({ records: view.done, bytes: view.done + view.errors });
    if (view.status !== "queued" && view.status !== "running") return view;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function judgeCommand(args: string[]): Promise<void> {
  const options = Object.fromEntries([...MULTI.map((name) => [name, { type: "string", multiple: true }] as const), ...SINGLE.map((name) => [name, { type: "string" }] as const)]);
  const { values, positionals } = parseOptions(args, options, schema);
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; usage: judge --project P --run R --judge J [filters]`);
  const { project: projectName, ...raw } = values as Record<string, unknown>;
  if (raw.run === undefined) throw new UsageError("--run is required (repeat it for several runs)");
  if (raw.judge === undefined) throw new UsageError("--judge is required ('rubric' is built in)");
  const parsed = judgeJobRequestSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("\n"));

  await withDatabase(async () => {
    const project = await resolveProject(projectName as string | undefined, (line) => console.error(line));
    let id: number;
    try {
      id = await createJudgeJob(pool(), project.id, parsed.data);
    } catch (error) {
      if (error instanceof JudgeJobInputError) throw new UsageError(error.message);
      throw error;
    }
    let progress: Progress | null = null;
    const started = Date.now();
    const bar = (total: number) =>
      (progress ??= new Progress({ label: `judging with ${parsed.data.judge}`, totalBytes: Math.max(total, 1), formatAmount: formatCount, recordsUnit: { plural: "judged", rate: "/s" } }));
    let view: JudgeJobView;
    try {
      const ran = await runJudgeJob(pool(), id, { onProgress: (p) => bar(p.total).update({ records: p.done, bytes: p.done + p.errors }) });
      const now = (await judgeJobView(pool(), project.id, id))!;
      view = ran ? now : await follow(id, project.id, bar(now.total));
    } finally {
      (progress as Progress | null)?.done();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`job ${view.id}: ${view.status}; ${formatCount(view.done)} of ${formatCount(view.total)} judged, ${formatCount(view.errors)} failed, ${formatCount(view.requests)} requests, in ${formatDuration(seconds)}`);
    for (const failed of view.failed) console.error(`no verdict: case ${JSON.stringify(failed.case)} run ${JSON.stringify(failed.run)}: ${failed.message}`);

    // The exit code says whether every completion in scope now has a verdict of this judge.
    const judge = (await resolveJudge(project.id, parsed.data.judge))!;
    const { judge: _judge, ...filter } = parsed.data;
    let lacking = 0;
    for await (const page of lackingVerdicts(pool(), project.id, completionFilterSchema.parse(filter), judge)) {
      for (const t of page) if (lacking++ < 20 && view.failed.length === 0) console.error(`no verdict: case ${JSON.stringify(t.caseExternalId)} run ${JSON.stringify(t.run)}`);
    }
    if (lacking > 0) {
      console.error(`${formatCount(lacking)} completions in scope have no verdict of '${judge.name}'`);
      process.exitCode = 1;
    }
  });
}
