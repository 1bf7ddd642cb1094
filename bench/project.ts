/** What several benchmarks share: a project with the demo taxonomy, and a fingerprint of what a project stored. */
import { randomBytes } from "node:crypto";
import { DEMO_INTENTS } from "../lib/demo/generate";
import { pool } from "../lib/db/pool";
import { ensureProject, loadProject, type ProjectContext } from "../lib/projects";
import { taxonomySchema } from "../lib/validations/taxonomy";

/** A new simulated project `<prefix>-<random>` with the demo taxonomy. */
export async function createBenchProject(prefix: string): Promise<ProjectContext> {
  const name = `${prefix}-${randomBytes(4).toString("hex")}`;
  const { intents } = taxonomySchema.parse({ intents: DEMO_INTENTS });
  await ensureProject(name, { simulated: true, intents });
  return (await loadProject(pool(), name))!;
}

/** An order-independent fingerprint of a project's stored rows and aggregates, ids replaced by external ids and run names. */
export async function fingerprint(projectId: number): Promise<Record<string, string>> {
  // Fresh statistics first: after a bulk load the planner's row estimates are far off, and a
  // nested loop over millions of rows turns this check into minutes.
  await pool().query("ANALYZE cases, completions, policy_verdicts, runs, run_intent_stats, run_confusion, completion_counts, run_pair_counts");
  const hash = (row: string) => `sum(('x' || left(md5(row(${row})::text), 15))::bit(60)::bigint)`;
  const queries: Record<string, string> = {
    cases: `SELECT count(*) AS n, ${hash("external_id, messages, expected_intent, tags, metadata")} AS h FROM cases WHERE project_id = $1`,
    completions: `SELECT count(*) AS n, ${hash(
      `ca.external_id, r.name, r.model, co.text, co.case_tags, co.analysis, co.predicted_intent, co.reply, co.expected_intent, co.intent_verdict, co.format_error,
       co.unknown_intent, co.reward, co.policy_verdict, co.latency_ms, co.prompt_tokens, co.completion_tokens, co.metadata`,
    )} AS h
      FROM completions co JOIN cases ca ON ca.project_id = co.project_id AND ca.id = co.case_id JOIN runs r ON r.id = co.run_id WHERE co.project_id = $1`,
    policy_verdicts: `SELECT count(*) AS n, ${hash("ca.external_id, r.name, pv.verdict, pv.rationale, pv.judge_name, pv.judge_version, pv.guideline_version, pv.source")} AS h
      FROM policy_verdicts pv JOIN completions co ON co.project_id = pv.project_id AND co.id = pv.completion_id
      JOIN cases ca ON ca.project_id = co.project_id AND ca.id = co.case_id JOIN runs r ON r.id = co.run_id WHERE pv.project_id = $1`,
    run_intent_stats: `SELECT count(*) AS n, ${hash("r.name, s.expected_intent, s.total, s.correct, s.wrong, s.format_error, s.policy_pass, s.policy_fail, s.policy_pending, s.system_success")} AS h
      FROM run_intent_stats s JOIN runs r ON r.id = s.run_id WHERE s.project_id = $1`,
    run_confusion: `SELECT count(*) AS n, ${hash("r.name, c.expected_intent, c.predicted, c.n")} AS h FROM run_confusion c JOIN runs r ON r.id = c.run_id WHERE c.project_id = $1`,
    completion_counts: `SELECT count(*) AS n, ${hash("r.name, c.expected_intent, c.predicted, c.intent_verdict, c.policy_verdict, c.tags, c.n")} AS h
      FROM completion_counts c JOIN runs r ON r.id = c.run_id WHERE c.project_id = $1`,
    run_pair_counts: `SELECT count(*) AS n, ${hash("ra.name, rb.name, p.expected_intent, p.predicted_a, p.intent_a, p.policy_a, p.predicted_b, p.intent_b, p.policy_b, p.n")} AS h
      FROM run_pair_counts p JOIN runs ra ON ra.id = p.run_a JOIN runs rb ON rb.id = p.run_b WHERE p.project_id = $1`,
  };
  const out: Record<string, string> = {};
  for (const [table, sql] of Object.entries(queries)) {
    const { rows } = await pool().query<{ n: number; h: string | null }>(sql, [projectId]);
    out[table] = `${rows[0]!.n} rows, hash ${rows[0]!.h ?? "0"}`;
  }
  return out;
}
