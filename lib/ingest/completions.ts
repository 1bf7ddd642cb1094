import type pg from "pg";
import { isDeepStrictEqual } from "node:util";
import type { ProjectContext } from "../projects";
import { primaryJudge } from "../judging/counted";
import { COPY_COMPLETIONS, COPY_VERDICTS, completionLine, copyRows, countedPolicy, reserveIds, verdictLine } from "./copy";
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

/** A planned completion with the ids of its case and run. */
interface Located {
  c: PlannedCompletion;
  caseId: number;
  runId: number;
}

function sameVerdict(existing: ExistingCompletion, policy: NonNullable<PlannedCompletion["policy"]>): boolean {
  return existing.verdict === policy.verdict && existing.rationale === policy.rationale && existing.judge_name === policy.judge && existing.judge_version === policy.judgeVersion && existing.source === policy.source;
}

function row({ c, caseId, runId }: Located, primary: string | null) {
  const policy = countedPolicy(c, primary);
  return {
    case_id: caseId,
    run_id: runId,
    text: c.text,
    expected_intent: c.expectedIntent,
    ...gradeColumns(c.grade),
    policy_verdict: policy?.verdict ?? "pending",
    policy_guideline_version: policy?.guidelineVersion ?? null,
    latency_ms: c.latencyMs,
    prompt_tokens: c.promptTokens,
    completion_tokens: c.completionTokens,
    metadata: c.metadata,
  };
}

const recordColumns = (extra = "") => `x(id bigint, case_id bigint, run_id int, text text, expected_intent text, analysis text, predicted_intent text,
  predicted_intent_truncated boolean, reply text, intent_verdict intent_verdict, format_error text, unknown_intent boolean, reward double precision,
  policy_verdict policy_verdict, policy_guideline_version int, latency_ms int, prompt_tokens int, completion_tokens int, metadata jsonb${extra})`;

/**
 * Inserts new completions, replaces those whose text changed (re-graded, and
 * their old policy verdict no longer applies), and records imported verdicts
 * that differ from the latest one stored by ingestion (a judge job's verdicts,
 * those with a cache key, are not compared: re-sending a record after judging
 * changes nothing). Returns, per case external id, whether
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
  const primary = await primaryJudge(db, project.id);
  const located: Located[] = planned.map((c) => ({ c, caseId: caseIds.get(c.caseExternalId)!, runId: runs.get(c.runName)!.id }));
  const lookup = located.filter(({ c }) => preexistingCases.has(c.caseExternalId));
  const existing = new Map<string, ExistingCompletion>();
  if (lookup.length > 0) {
    const { rows } = await db.query<ExistingCompletion>(
      `SELECT c.id, c.case_id, c.run_id, c.text, c.latency_ms, c.prompt_tokens, c.completion_tokens, c.metadata,
              pv.verdict, pv.rationale, pv.judge_name, pv.judge_version, pv.source
         FROM completions c
         JOIN unnest($2::bigint[], $3::int[]) AS k(case_id, run_id) ON c.case_id = k.case_id AND c.run_id = k.run_id
         LEFT JOIN LATERAL (SELECT verdict, rationale, judge_name, judge_version, source FROM policy_verdicts v
                             WHERE v.project_id = c.project_id AND v.completion_id = c.id AND v.cache_key IS NULL ORDER BY v.id DESC LIMIT 1) pv ON true
        WHERE c.project_id = $1 ORDER BY c.id FOR UPDATE OF c`,
      [project.id, lookup.map((l) => l.caseId), lookup.map((l) => l.runId)],
    );
    for (const r of rows) existing.set(`${r.case_id}:${r.run_id}`, r);
  }

  const inserts: Located[] = [];
  const replaced: { id: number; l: Located }[] = [];
  const touched: { id: number; l: Located }[] = [];
  const verdicts: { completionId: number; c: PlannedCompletion }[] = [];
  for (const l of located) {
    const { c } = l;
    const old = existing.size === 0 ? undefined : existing.get(`${l.caseId}:${l.runId}`);
    if (!old) {
      inserts.push(l);
      changed.set(c.caseExternalId, true);
      continue;
    }
    if (old.text !== c.text) {
      replaced.push({ id: old.id, l });
      if (c.policy) verdicts.push({ completionId: old.id, c });
    } else {
      const detailsChanged = old.latency_ms !== c.latencyMs || old.prompt_tokens !== c.promptTokens || old.completion_tokens !== c.completionTokens || !isDeepStrictEqual(old.metadata, c.metadata);
      const verdictChanged = c.policy !== null && !sameVerdict(old, c.policy);
      if (detailsChanged || verdictChanged) touched.push({ id: old.id, l });
      if (verdictChanged) verdicts.push({ completionId: old.id, c });
      if (!detailsChanged && !verdictChanged) {
        if (!changed.has(c.caseExternalId)) changed.set(c.caseExternalId, false);
        continue;
      }
    }
    changed.set(c.caseExternalId, true);
  }

  if (inserts.length > 0) {
    const ids = await reserveIds(db, "completions", inserts.length);
    const lines = inserts.map(({ c, caseId, runId }, i) => completionLine(project.id, ids[i]!, caseId, runId, c, primary));
    await copyRows(db, COPY_COMPLETIONS, lines);
    inserts.forEach(({ c }, i) => {
      if (c.policy) verdicts.push({ completionId: ids[i]!, c });
    });
  }
  if (replaced.length > 0 || touched.length > 0) {
    // A replaced text resets the policy verdict (to the imported one when it counts, or pending) and
    // supersedes the verdicts given for the old text; a touched row keeps its grade and takes only
    // the new details and, when it counts, the new verdict.
    const all = [...replaced.map(({ id, l }) => ({ id, ...row(l, primary), replace: true })), ...touched.map(({ id, l }) => ({ id, ...row(l, primary), replace: false }))];
    if (replaced.length > 0) {
      await db.query("UPDATE policy_verdicts SET superseded = true WHERE project_id = $1 AND completion_id = ANY($2::bigint[]) AND NOT superseded", [project.id, replaced.map((r) => r.id)]);
    }
    await db.query(
      `UPDATE completions c SET
          text = x.text, expected_intent = x.expected_intent, analysis = x.analysis, predicted_intent = x.predicted_intent,
          predicted_intent_truncated = x.predicted_intent_truncated, reply = x.reply, intent_verdict = x.intent_verdict, format_error = x.format_error, unknown_intent = x.unknown_intent,
          reward = x.reward,
          policy_verdict = CASE WHEN x.replace OR x.policy_verdict <> 'pending' THEN x.policy_verdict ELSE c.policy_verdict END,
          policy_guideline_version = CASE WHEN x.replace OR x.policy_verdict <> 'pending' THEN x.policy_guideline_version ELSE c.policy_guideline_version END,
          latency_ms = x.latency_ms, prompt_tokens = x.prompt_tokens, completion_tokens = x.completion_tokens,
          metadata = coalesce(x.metadata, '{}'), updated_at = now()
         FROM jsonb_to_recordset($2::jsonb) AS ${recordColumns(", replace boolean")}
        WHERE c.project_id = $1 AND c.id = x.id`,
      [project.id, JSON.stringify(all)],
    );
  }
  if (verdicts.length > 0) {
    await copyRows(db, COPY_VERDICTS, verdicts.map(({ completionId, c }) => verdictLine(project.id, completionId, c.policy!)));
  }
  return changed;
}
