import type pg from "pg";
import { isDeepStrictEqual } from "node:util";
import type { ProjectContext } from "../projects";
import { gradeColumns } from "./regrade";
import type { PlannedCompletion } from "./store";

interface ExistingCompletion {
  id: number;
  case_id: number;
  run_id: number;
  text: string;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  metadata: unknown;
  verdict: string | null;
  rationale: string | null;
  judge_name: string | null;
  judge_version: string | null;
  source: string | null;
}

type Located = PlannedCompletion & { caseId: number; runId: number };

function sameVerdict(existing: ExistingCompletion, policy: NonNullable<PlannedCompletion["policy"]>): boolean {
  return existing.verdict === policy.verdict && existing.rationale === policy.rationale && existing.judge_name === policy.judge && existing.judge_version === policy.judgeVersion && existing.source === policy.source;
}

function row(c: Located) {
  return {
    case_id: c.caseId,
    run_id: c.runId,
    text: c.text,
    expected_intent: c.expectedIntent,
    ...gradeColumns(c.grade),
    policy_verdict: c.policy?.verdict ?? "pending",
    latency_ms: c.latencyMs,
    prompt_tokens: c.promptTokens,
    completion_tokens: c.completionTokens,
    metadata: c.metadata,
  };
}

const recordColumns = (extra = "") => `x(id bigint, case_id bigint, run_id int, text text, expected_intent text, analysis text, predicted_intent text,
  reply text, intent_verdict intent_verdict, format_error text, unknown_intent boolean, reward double precision,
  policy_verdict policy_verdict, latency_ms int, prompt_tokens int, completion_tokens int, metadata jsonb${extra})`;

/**
 * Inserts new completions, replaces those whose text changed (re-graded, and
 * their old policy verdict no longer applies), and records imported verdicts
 * that differ from the latest one. Returns, per case external id, whether
 * anything changed.
 */
export async function storeCompletions(
  db: pg.ClientBase,
  project: ProjectContext,
  runs: Map<string, { id: number }>,
  caseIds: Map<string, number>,
  planned: readonly PlannedCompletion[],
  preexistingCases: ReadonlySet<string>,
): Promise<Map<string, boolean>> {
  const changed = new Map<string, boolean>();
  const located: Located[] = planned.map((c) => ({ ...c, caseId: caseIds.get(c.caseExternalId)!, runId: runs.get(c.runName)!.id }));
  const lookup = located.filter((c) => preexistingCases.has(c.caseExternalId));
  const existing = new Map<string, ExistingCompletion>();
  if (lookup.length > 0) {
    const { rows } = await db.query<ExistingCompletion>(
      `SELECT c.id, c.case_id, c.run_id, c.text, c.latency_ms, c.prompt_tokens, c.completion_tokens, c.metadata,
              pv.verdict, pv.rationale, pv.judge_name, pv.judge_version, pv.source
         FROM completions c
         JOIN unnest($2::bigint[], $3::int[]) AS k(case_id, run_id) ON c.case_id = k.case_id AND c.run_id = k.run_id
         LEFT JOIN LATERAL (SELECT verdict, rationale, judge_name, judge_version, source FROM policy_verdicts v
                             WHERE v.project_id = c.project_id AND v.completion_id = c.id ORDER BY v.id DESC LIMIT 1) pv ON true
        WHERE c.project_id = $1 ORDER BY c.id FOR UPDATE OF c`,
      [project.id, lookup.map((c) => c.caseId), lookup.map((c) => c.runId)],
    );
    for (const r of rows) existing.set(`${r.case_id}:${r.run_id}`, r);
  }

  const inserts: Located[] = [];
  const replaced: { id: number; c: Located }[] = [];
  const touched: { id: number; c: Located }[] = [];
  const verdicts: { completionId: number; c: Located }[] = [];
  for (const c of located) {
    const old = existing.get(`${c.caseId}:${c.runId}`);
    if (!old) {
      inserts.push(c);
      changed.set(c.caseExternalId, true);
      continue;
    }
    if (old.text !== c.text) {
      replaced.push({ id: old.id, c });
      if (c.policy) verdicts.push({ completionId: old.id, c });
    } else {
      const detailsChanged = old.latency_ms !== c.latencyMs || old.prompt_tokens !== c.promptTokens || old.completion_tokens !== c.completionTokens || !isDeepStrictEqual(old.metadata, c.metadata);
      const verdictChanged = c.policy !== null && !sameVerdict(old, c.policy);
      if (detailsChanged || verdictChanged) touched.push({ id: old.id, c });
      if (verdictChanged) verdicts.push({ completionId: old.id, c });
      if (!detailsChanged && !verdictChanged) {
        if (!changed.has(c.caseExternalId)) changed.set(c.caseExternalId, false);
        continue;
      }
    }
    changed.set(c.caseExternalId, true);
  }

  if (inserts.length > 0) {
    const { rows } = await db.query<{ id: number; case_id: number; run_id: number }>(
      `INSERT INTO completions (project_id, case_id, run_id, text, expected_intent, analysis, predicted_intent, reply, intent_verdict,
              format_error, unknown_intent, reward, policy_verdict, latency_ms, prompt_tokens, completion_tokens, metadata)
       SELECT $1, case_id, run_id, text, expected_intent, analysis, predicted_intent, reply, intent_verdict,
              format_error, unknown_intent, reward, policy_verdict, latency_ms, prompt_tokens, completion_tokens, coalesce(metadata, '{}')
         FROM jsonb_to_recordset($2::jsonb) AS ${recordColumns()}
       RETURNING id, case_id, run_id`,
      [project.id, JSON.stringify(inserts.map(row))],
    );
    const ids = new Map(rows.map((r) => [`${r.case_id}:${r.run_id}`, r.id]));
    for (const c of inserts) if (c.policy) verdicts.push({ completionId: ids.get(`${c.caseId}:${c.runId}`)!, c });
  }
  if (replaced.length > 0 || touched.length > 0) {
    // A replaced text resets the policy verdict (to the imported one, or pending);
    // a touched row keeps its grade and takes only the new details and verdict.
    const all = [...replaced.map(({ id, c }) => ({ id, ...row(c), replace: true })), ...touched.map(({ id, c }) => ({ id, ...row(c), replace: false }))];
    await db.query(
      `UPDATE completions c SET
          text = x.text, expected_intent = x.expected_intent, analysis = x.analysis, predicted_intent = x.predicted_intent,
          reply = x.reply, intent_verdict = x.intent_verdict, format_error = x.format_error, unknown_intent = x.unknown_intent,
          reward = x.reward,
          policy_verdict = CASE WHEN x.replace OR x.policy_verdict <> 'pending' THEN x.policy_verdict ELSE c.policy_verdict END,
          latency_ms = x.latency_ms, prompt_tokens = x.prompt_tokens, completion_tokens = x.completion_tokens,
          metadata = coalesce(x.metadata, '{}'), updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS ${recordColumns(", replace boolean")}
        WHERE c.project_id = $1 AND c.id = x.id`,
      [project.id, JSON.stringify(all)],
    );
  }
  if (verdicts.length > 0) {
    await db.query(
      `INSERT INTO policy_verdicts (project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source)
       SELECT $1, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source
         FROM jsonb_to_recordset($2::jsonb) AS x(completion_id bigint, verdict policy_verdict, rationale text, judge_name text,
              judge_version text, guideline_version int, source verdict_source)`,
      [project.id, JSON.stringify(verdicts.map(({ completionId, c }) => ({ completion_id: completionId, verdict: c.policy!.verdict, rationale: c.policy!.rationale, judge_name: c.policy!.judge, judge_version: c.policy!.judgeVersion, guideline_version: c.policy!.guidelineVersion, source: c.policy!.source })))],
    );
  }
  return changed;
}
