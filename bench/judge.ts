/**
 * Benchmark "judge": judge jobs (lib/judging/jobs.ts) run to their end, as
 * the worker and `ib judge` run them, each timed from start to finish (the
 * first pass counting the scope included).
 *
 * - LLM throughput: a judge with concurrency 16 against a loopback
 *   chat-completions server (bench/chat-server.ts, a process of its own)
 *   that answers after 50 ms, over completions whose inputs are all
 *   different, so each verdict takes one request: verdicts/s against the
 *   ideal 16 / 0.05 s = 320/s. A bare client (16 loops of fetch, nothing
 *   else) against the same server shows what the machine allows.
 * - Rubric: the built-in rubric judge over 1,000,000 completions (demo data,
 *   loaded by COPY), and again after every intent's guideline got a new
 *   version, so that every verdict stored moves its completion's counted
 *   verdict and the aggregates: verdicts/s against 20,000/s.
 * - Cached re-judge: a second run with the same conversations and replies as
 *   a run judged before, so every input is in the judge cache: verdicts/s
 *   against 20,000/s, and no request may be sent.
 *
 * Before each timed job the database is vacuumed and checkpointed (untimed),
 * so one section's leftovers (autovacuum of a million updated rows, the
 * checkpoint of their WAL) do not land in the next one's figures.
 *
 * Each job is checked: done = total = the completions that lacked a verdict,
 * exactly one new verdict of the judge for each, none pending, and
 * run_intent_stats equal to counting the completions afterwards.
 */
import { randomBytes } from "node:crypto";
import { pool } from "../lib/db/pool";
import { DEMO_INTENTS, DEMO_RUNS } from "../lib/demo/generate";
import { storeStream } from "../lib/ingest/stream";
import { judgeJobView } from "../lib/judging/job-view";
import { createJudgeJob, runJudgeJob } from "../lib/judging/jobs";
import { putJudge } from "../lib/judging/judges";
import { DEFAULT_PROMPT_TEMPLATE } from "../lib/judging/prompt";
import { judgeConfigSchema } from "../lib/validations/judging";
import { recordSchema, type IngestRecord } from "../lib/validations/record";
import { taxonomySchema } from "../lib/validations/taxonomy";
import { upsertIntents } from "../lib/taxonomy/intents";
import type { ProjectContext } from "../lib/projects";
import { startChatServer, type ChatServer } from "./chat-client";
import { cpuMeter, describeCpu } from "./cpu";
import { loadBenchData } from "./load";
import { createBenchProject } from "./project";
import type { BenchResult } from "./report";

type Log = (line: string) => void;

export const JUDGE_RUBRIC_COMPLETIONS = 1_000_000;
const QUICK_RUBRIC_COMPLETIONS = 60_000;
const LLM_CONCURRENCY = 16;
const LLM_DELAY_MS = 50;
const LLM_IDEAL = LLM_CONCURRENCY / (LLM_DELAY_MS / 1000);
const LLM_COMPLETIONS = 6_000;
const QUICK_LLM_COMPLETIONS = 3_200;
const CACHED_COMPLETIONS = 100_000;
const QUICK_CACHED_COMPLETIONS = 20_000;
const RUBRIC_TARGET = 20_000;
const CACHED_TARGET = 20_000;

/**
 * `cases` records whose conversations all differ (each names its own order),
 * one completion per run, the same text in every run; every completion
 * well-formed with an intent of the taxonomy, so each needs the judge.
 */
function* distinctRecords(cases: number, runs: readonly string[]): Generator<IngestRecord> {
  const intents = DEMO_INTENTS.map((intent) => intent.id);
  for (let i = 0; i < cases; i++) {
    const intent = intents[i % intents.length]!;
    const order = 1_000_000 + i;
    yield recordSchema.parse({
      case: { id: `judge-${i}`, messages: [{ role: "user", content: `Hello, this is about my order ${order}: can you help me with it?` }], expectedIntent: intent },
      completions: runs.map((run) => ({
        run,
        model: "bench-model",
        text: `<analysis>The customer writes about order ${order}.</analysis><intent>${intent}</intent> Thank you for writing. I have looked at order ${order} and I will take care of it right away.`,
      })),
    });
  }
}

async function llmJudge(project: ProjectContext, name: string, baseUrl: string, concurrency: number): Promise<void> {
  await putJudge(project.id, name, judgeConfigSchema.parse({ kind: "openai", baseUrl, model: "bench-model", apiKey: "sk-bench", concurrency, timeoutMs: 30_000 }));
}

interface TimedJob {
  seconds: number;
  done: number;
  total: number;
  errors: number;
  requests: number;
  status: string;
  cpu: string;
}

async function timeJob(project: ProjectContext, judge: string, run: string[], cluster: string | null, log: Log): Promise<TimedJob> {
  // Untimed: what earlier work left to PostgreSQL's background (vacuuming a million updated rows, a checkpoint of
  // their WAL) is done first, so it is not counted in this job's time and CPU.
  await pool().query("VACUUM ANALYZE");
  await pool().query("CHECKPOINT");
  const id = await createJudgeJob(pool(), project.id, { judge, run });
  const cpu = cpuMeter(cluster);
  const started = performance.now();
  let reported = 0;
  const ran = await runJudgeJob(pool(), id, {
    onProgress: (p) => {
      if (p.done - reported >= Math.max(p.total / 5, 1)) {
        reported = p.done;
        log(`    ${p.done.toLocaleString("en")} of ${p.total.toLocaleString("en")} judged (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (!ran) throw new Error(`judge job ${id} was held by another process`);
  const view = (await judgeJobView(pool(), project.id, id))!;
  return { seconds, done: view.done, total: view.total, errors: view.errors, requests: view.requests, status: view.status, cpu: describeCpu(cpu()) };
}

/** The largest policy verdict id so far: verdicts a job stores come after it. */
async function lastVerdictId(): Promise<number> {
  const { rows } = await pool().query<{ id: number | null }>("SELECT max(id) AS id FROM policy_verdicts");
  return Number(rows[0]!.id ?? 0);
}

/**
 * The job's checks: one new verdict of the judge for each completion it
 * judged (all in scope unless `lacking` says how many lacked one), none
 * pending, and the aggregates still equal to counting the completions.
 */
async function checkJudged(project: ProjectContext, judge: string, runNames: string[], job: TimedJob, since: number, label: string, lacking?: number): Promise<number> {
  const db = pool();
  const { rows } = await db.query<{ completions: number; verdicts: number; judged: number; pending: number }>(
    `SELECT count(*)::int AS completions, coalesce(sum(v.n), 0)::int AS verdicts, count(v.n)::int AS judged, count(*) FILTER (WHERE c.policy_verdict = 'pending')::int AS pending
       FROM completions c JOIN runs r ON r.id = c.run_id
       LEFT JOIN (SELECT completion_id, count(*) AS n FROM policy_verdicts WHERE project_id = $1 AND judge_name = $2 AND id > $4 GROUP BY completion_id) v ON v.completion_id = c.id
      WHERE c.project_id = $1 AND r.name = ANY($3::text[])`,
    [project.id, judge, runNames, since],
  );
  const counted = rows[0]!;
  const expected = lacking ?? counted.completions;
  const problems: string[] = [];
  if (job.status !== "done" || job.errors !== 0) problems.push(`job ${job.status} with ${job.errors} errors`);
  if (job.done !== expected || job.total !== expected) problems.push(`job done ${job.done} of ${job.total}, ${expected} expected`);
  if (counted.verdicts !== expected || counted.judged !== expected) problems.push(`${counted.verdicts} new verdicts on ${counted.judged} completions, ${expected} expected`);
  if (counted.pending !== 0) problems.push(`${counted.pending} completions still pending`);
  const { rows: drift } = await db.query<{ n: number }>(
    `WITH kept AS (SELECT run_id, expected_intent, total, policy_pass, policy_fail, policy_pending, system_success FROM run_intent_stats WHERE project_id = $1 AND total <> 0),
     counted AS (SELECT run_id, expected_intent, count(*) AS total, count(*) FILTER (WHERE policy_verdict = 'pass') AS policy_pass, count(*) FILTER (WHERE policy_verdict = 'fail') AS policy_fail,
              count(*) FILTER (WHERE policy_verdict = 'pending') AS policy_pending, count(*) FILTER (WHERE policy_verdict = 'pass' AND intent_verdict = 'correct') AS system_success
         FROM completions WHERE project_id = $1 GROUP BY run_id, expected_intent)
     SELECT ((SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted) a) + (SELECT count(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept) b))::int AS n`,
    [project.id],
  );
  if (drift[0]!.n !== 0) problems.push(`${drift[0]!.n} run_intent_stats rows differ from counting the completions`);
  if (problems.length > 0) throw new Error(`judge benchmark (${label}) check failed: ${problems.join("; ")}`);
  return expected;
}

/** What the machine allows: 16 loops of bare fetch calls against the same server, as many requests as the job sent. */
async function bareClientRate(url: string, prompts: number): Promise<number> {
  const body = JSON.stringify({ model: "bench-model", messages: [{ role: "user", content: DEFAULT_PROMPT_TEMPLATE }] });
  let left = prompts;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: LLM_CONCURRENCY }, async () => {
      while (left-- > 0) {
        const response = await fetch(`${url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
        await response.json();
      }
    }),
  );
  return prompts / ((performance.now() - started) / 1000);
}

async function benchLlm(server: ChatServer, quick: boolean, cluster: string | null, log: Log): Promise<{ results: BenchResult[]; notes: string[] }> {
  const count = quick ? QUICK_LLM_COMPLETIONS : LLM_COMPLETIONS;
  const project = await createBenchProject("bench-judge-llm");
  log(`judge: LLM throughput: storing ${count.toLocaleString("en")} completions with distinct inputs (untimed)`);
  await storeStream(project, distinctRecords(count, ["llm"]));
  await llmJudge(project, "loop", server.url(LLM_DELAY_MS), LLM_CONCURRENCY);
  const before = await server.requests();
  const since = await lastVerdictId();
  log(`judge: LLM judge, concurrency ${LLM_CONCURRENCY}, answers after ${LLM_DELAY_MS} ms`);
  const job = await timeJob(project, "loop", ["llm"], cluster, log);
  const sent = (await server.requests()) - before;
  await checkJudged(project, "loop", ["llm"], job, since, "LLM");
  if (job.requests !== count || sent !== count) throw new Error(`judge benchmark (LLM): ${job.requests} requests counted by the job and ${sent} received for ${count} distinct inputs`);
  const rate = job.done / job.seconds;
  log(`  ${job.seconds.toFixed(1)} s, ${rate.toFixed(1)} verdicts/s (ideal ${LLM_IDEAL}), CPU ${job.cpu}`);
  const bare = await bareClientRate(server.url(LLM_DELAY_MS), count);
  log(`  bare client: ${bare.toFixed(1)} requests/s`);
  return {
    results: [
      { name: "judge: LLM throughput", unit: "verdicts/s", ours: rate, baseline: LLM_IDEAL, ratio: rate / LLM_IDEAL, target: ">= 0.9 x ideal (16 / 50 ms)", met: rate / LLM_IDEAL >= 0.9 },
      { name: "judge: LLM loopback, bare client", unit: "requests/s", ours: bare, baseline: LLM_IDEAL, ratio: bare / LLM_IDEAL, target: "informational", met: true },
    ],
    notes: [
      `judge LLM: a judge job over ${count.toLocaleString("en")} completions with distinct inputs (one request each, ${job.requests.toLocaleString("en")} sent), concurrency ${LLM_CONCURRENCY}, against a loopback chat-completions server in its own process answering after ${LLM_DELAY_MS} ms: ${job.seconds.toFixed(1)} s from start to finish; CPU ${job.cpu}. Baseline = the ideal ${LLM_CONCURRENCY} / ${LLM_DELAY_MS} ms = ${LLM_IDEAL}/s; the bare client (16 loops of fetch against the same server, nothing stored) shows what the machine allows.`,
    ],
  };
}

async function benchCached(server: ChatServer, quick: boolean, cluster: string | null, log: Log): Promise<{ results: BenchResult[]; notes: string[] }> {
  const count = quick ? QUICK_CACHED_COMPLETIONS : CACHED_COMPLETIONS;
  const project = await createBenchProject("bench-judge-cache");
  log(`judge: cached re-judge: storing ${count.toLocaleString("en")} cases x 2 runs with the same replies (untimed)`);
  await storeStream(project, distinctRecords(count, ["first", "again"]));
  await llmJudge(project, "loop", server.url(0), 32);
  log(`judge: filling the judge cache by judging run "first" (untimed, answers without delay)`);
  const fillSince = await lastVerdictId();
  const fill = await timeJob(project, "loop", ["first"], cluster, log);
  await checkJudged(project, "loop", ["first"], fill, fillSince, "cache fill");
  log(`  filled in ${fill.seconds.toFixed(1)} s (${(fill.done / fill.seconds).toFixed(0)} verdicts/s, ${fill.requests.toLocaleString("en")} requests)`);
  const before = await server.requests();
  const since = await lastVerdictId();
  log(`judge: run "again", every input in the cache`);
  const job = await timeJob(project, "loop", ["again"], cluster, log);
  const sent = (await server.requests()) - before;
  await checkJudged(project, "loop", ["again"], job, since, "cached");
  if (job.requests !== 0 || sent !== 0) throw new Error(`judge benchmark (cached): ${job.requests} requests counted by the job and ${sent} received; expected none`);
  const rate = job.done / job.seconds;
  log(`  ${job.seconds.toFixed(1)} s, ${Math.round(rate).toLocaleString("en")} verdicts/s, no request sent; CPU ${job.cpu}`);
  return {
    results: [{ name: "judge: fully cached re-judge", unit: "verdicts/s (0 requests)", ours: rate, baseline: CACHED_TARGET, ratio: rate / CACHED_TARGET, target: `>= ${CACHED_TARGET.toLocaleString("en")}/s, no request (baseline column: the target)`, met: rate >= CACHED_TARGET }],
    notes: [
      `judge cached: run "again" holds the same ${count.toLocaleString("en")} conversations and replies as run "first", which the same LLM judge judged before (untimed, ${fill.requests.toLocaleString("en")} requests): every input is in judge_cache, and the job over "again" stored ${job.done.toLocaleString("en")} verdicts with ${job.requests} requests sent (asserted, also on the server) in ${job.seconds.toFixed(1)} s; CPU ${job.cpu}.`,
    ],
  };
}

/** Every intent's guideline reworded (its rubric as it was): a new guideline version for each. */
async function rewordGuidelines(project: ProjectContext): Promise<void> {
  const { intents } = taxonomySchema.parse({ intents: DEMO_INTENTS.map((intent) => ({ ...intent, policy: `${intent.policy} (reviewed)` })) });
  await upsertIntents(project.id, intents);
}

async function benchRubric(completions: number, seed: number | undefined, cluster: string | null, log: Log): Promise<{ results: BenchResult[]; notes: string[] }> {
  const cases = Math.ceil(completions / DEMO_RUNS.length);
  const { project } = await loadBenchData({ cases, seed, log, prefix: "bench-judge-rubric" });
  const runs = DEMO_RUNS.map((run) => run.name);
  log(`judge: rubric judge over ${(cases * runs.length).toLocaleString("en")} completions`);
  const since = await lastVerdictId();
  const job = await timeJob(project, "rubric", runs, cluster, log);
  const judged = await checkJudged(project, "rubric", runs, job, since, "rubric");
  const rate = job.done / job.seconds;
  log(`  ${job.seconds.toFixed(1)} s, ${Math.round(rate).toLocaleString("en")} verdicts/s; CPU ${job.cpu}`);

  await rewordGuidelines(project);
  const { rows } = await pool().query<{ n: number }>("SELECT count(*)::int AS n FROM completions WHERE project_id = $1 AND intent_verdict <> 'format_error' AND NOT unknown_intent", [project.id]);
  log(`judge: rubric judge again after a new guideline version of every intent (${rows[0]!.n.toLocaleString("en")} completions lack a verdict)`);
  const againSince = await lastVerdictId();
  const again = await timeJob(project, "rubric", runs, cluster, log);
  await checkJudged(project, "rubric", runs, again, againSince, "rubric after a guideline change", rows[0]!.n);
  const againRate = again.done / again.seconds;
  log(`  ${again.seconds.toFixed(1)} s, ${Math.round(againRate).toLocaleString("en")} verdicts/s; CPU ${again.cpu}`);
  const target = `>= ${RUBRIC_TARGET.toLocaleString("en")}/s (baseline column: the target)`;
  return {
    results: [
      { name: "judge: rubric", unit: "verdicts/s", ours: rate, baseline: RUBRIC_TARGET, ratio: rate / RUBRIC_TARGET, target, met: rate >= RUBRIC_TARGET },
      { name: "judge: rubric, every counted verdict moves", unit: "verdicts/s", ours: againRate, baseline: RUBRIC_TARGET, ratio: againRate / RUBRIC_TARGET, target, met: againRate >= RUBRIC_TARGET },
    ],
    notes: [
      `judge rubric: a rubric judge job over ${judged.toLocaleString("en")} completions (${cases.toLocaleString("en")} demo cases x ${runs.length} runs, loaded by COPY with their imported verdicts, which are the rubric's own, so the counted verdicts stay as they are): ${job.seconds.toFixed(1)} s from start to finish; CPU ${job.cpu}.`,
      `judge rubric, every counted verdict moves: then every intent gets a new guideline version (reworded, the same rubric) and the rubric judges the ${again.done.toLocaleString("en")} completions whose input changed (all but format errors and unknown intents): each verdict is stored and moves its completion's counted verdict to the new guideline version, through the aggregate triggers: ${again.seconds.toFixed(1)} s; CPU ${again.cpu}. Checked after each job: one new verdict per completion judged, none pending, run_intent_stats equal to counting the completions.`,
    ],
  };
}

export async function runJudgeBenchmark(options: { quick: boolean; rubricCompletions?: number; seed?: number; cluster: string | null; log: Log }): Promise<{ results: BenchResult[]; notes: string[] }> {
  const { quick, cluster, log } = options;
  // The benchmark's judges are thrown away with its database: any key encrypts their (fake) API keys.
  process.env.IB_SECRET_KEY ??= randomBytes(32).toString("hex");
  const server = await startChatServer();
  try {
    const llm = await benchLlm(server, quick, cluster, log);
    const cached = await benchCached(server, quick, cluster, log);
    const rubric = await benchRubric(options.rubricCompletions ?? (quick ? QUICK_RUBRIC_COMPLETIONS : JUDGE_RUBRIC_COMPLETIONS), options.seed, cluster, log);
    return { results: [...llm.results, ...rubric.results, ...cached.results], notes: [...llm.notes, ...rubric.notes, ...cached.notes] };
  } finally {
    await server.close();
  }
}
