/**
 * One case as a support lead reads it: the conversation and ground truth, and
 * what every run produced for it, with the current policy verdict and its
 * history (every verdict ever given, newest first).
 */
import type pg from "pg";
import type { IntentVerdict } from "../grading/intent";
import { counts } from "../judging/counted";
import type { PolicyVerdict } from "../validations/filters";

export interface JudgedPolicy {
  verdict: "pass" | "fail";
  rationale: string;
  judge: string;
  judgeVersion: string;
  guidelineVersion: number | null;
  source: "judged" | "imported";
  judgedAt: Date;
  /** Given before the completion's text was replaced: history only, never counted. */
  superseded: boolean;
}

export type CurrentPolicy = JudgedPolicy | { verdict: "pending" };

export interface CaseCompletion {
  run: string;
  model: string;
  text: string;
  analysis: string | null;
  predictedIntent: string | null;
  /** predictedIntent holds only the start of a longer intent tag (the whole one is in `text`). */
  predictedIntentTruncated: boolean;
  reply: string | null;
  intentVerdict: IntentVerdict;
  formatError: string | null;
  unknownIntent: boolean;
  reward: number;
  policy: CurrentPolicy;
  policyHistory: JudgedPolicy[];
  latencyMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface CaseDetail {
  case: {
    id: string;
    messages: { role: "user" | "assistant" | "system"; content: string }[];
    expectedIntent: string;
    tags: string[];
    metadata: Record<string, unknown>;
    createdAt: Date;
    updatedAt: Date;
  };
  completions: CaseCompletion[];
}

interface CompletionRow {
  id: number;
  run: string;
  model: string;
  text: string;
  analysis: string | null;
  predicted_intent: string | null;
  predicted_intent_truncated: boolean;
  reply: string | null;
  intent_verdict: IntentVerdict;
  format_error: string | null;
  unknown_intent: boolean;
  reward: number;
  policy_verdict: PolicyVerdict;
  latency_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

interface VerdictRow {
  completion_id: number;
  verdict: "pass" | "fail";
  rationale: string;
  judge_name: string;
  judge_version: string;
  guideline_version: number | null;
  source: "judged" | "imported";
  created_at: Date;
  superseded: boolean;
}

/**
 * The case with this external id in this project, or null (also when another
 * project has it). Each completion's policy is the counted verdict
 * (lib/judging/counted.ts), or with `judge` that judge's latest alone
 * (pending where it has not judged).
 */
export async function caseDetail(db: pg.ClientBase | pg.Pool, projectId: number, externalId: string, judge: string | null = null): Promise<CaseDetail | null> {
  const found = await db.query<{ id: number; external_id: string; messages: CaseDetail["case"]["messages"]; expected_intent: string; tags: string[] | null; metadata: Record<string, unknown>; created_at: Date; updated_at: Date; primary_judge: string | null }>(
    `SELECT cs.id, cs.external_id, cs.messages, cs.expected_intent, cs.tags, cs.metadata, cs.created_at, cs.updated_at, p.primary_judge
       FROM cases cs JOIN projects p ON p.id = cs.project_id WHERE cs.project_id = $1 AND cs.external_id = $2`,
    [projectId, externalId],
  );
  const row = found.rows[0];
  if (!row) return null;
  const completions = await db.query<CompletionRow>(
    `SELECT c.id, r.name AS run, r.model, c.text, c.analysis, c.predicted_intent, c.predicted_intent_truncated, c.reply, c.intent_verdict, c.format_error,
            c.unknown_intent, c.reward, c.policy_verdict, c.latency_ms, c.prompt_tokens, c.completion_tokens, c.metadata,
            c.created_at, c.updated_at
       FROM completions c JOIN runs r ON r.project_id = c.project_id AND r.id = c.run_id
      WHERE c.project_id = $1 AND c.case_id = $2
      ORDER BY r.created_at, r.id`,
    [projectId, row.id],
  );
  const verdicts = completions.rows.length === 0 ? { rows: [] as VerdictRow[] } : await db.query<VerdictRow>(
    `SELECT completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source, created_at, superseded
       FROM policy_verdicts WHERE project_id = $1 AND completion_id = ANY($2::bigint[])
      ORDER BY completion_id, id DESC`,
    [projectId, completions.rows.map((c) => c.id)],
  );
  const history = new Map<number, JudgedPolicy[]>();
  for (const v of verdicts.rows) {
    const list = history.get(v.completion_id) ?? [];
    list.push({ verdict: v.verdict, rationale: v.rationale, judge: v.judge_name, judgeVersion: v.judge_version, guidelineVersion: v.guideline_version, source: v.source, judgedAt: v.created_at, superseded: v.superseded });
    history.set(v.completion_id, list);
  }
  return {
    case: {
      id: row.external_id,
      messages: row.messages,
      expectedIntent: row.expected_intent,
      tags: row.tags ?? [],
      metadata: row.metadata,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    completions: completions.rows.map((c) => toCompletion(c, history.get(c.id) ?? [], judge === null ? { column: true, judge: row.primary_judge } : { column: false, judge })),
  };
}

/**
 * Without `?judge`, the verdict is the completion's own column (what the
 * metrics count) and its details come from the history row the counting rule
 * picks: the latest applicable one of the primary judge, or of any judge. With
 * `?judge`, that judge's latest applicable verdict, or pending.
 */
function currentPolicy(column: PolicyVerdict, history: JudgedPolicy[], rule: { column: boolean; judge: string | null }, judgedAt: Date): CurrentPolicy {
  const picked = history.find((v) => !v.superseded && counts(rule.judge, v.judge));
  if (!rule.column) return picked ?? { verdict: "pending" };
  if (column === "pending") return { verdict: "pending" };
  if (picked) return { ...picked, verdict: column };
  return { verdict: column, rationale: "", judge: "", judgeVersion: "", guidelineVersion: null, source: "judged", judgedAt, superseded: false };
}

function toCompletion(c: CompletionRow, history: JudgedPolicy[], rule: { column: boolean; judge: string | null }): CaseCompletion {
  return {
    run: c.run,
    model: c.model,
    text: c.text,
    analysis: c.analysis,
    predictedIntent: c.predicted_intent,
    predictedIntentTruncated: c.predicted_intent_truncated,
    reply: c.reply,
    intentVerdict: c.intent_verdict,
    formatError: c.format_error,
    unknownIntent: c.unknown_intent,
    reward: c.reward,
    policy: currentPolicy(c.policy_verdict, history, rule, c.updated_at),
    policyHistory: history,
    latencyMs: c.latency_ms,
    promptTokens: c.prompt_tokens,
    completionTokens: c.completion_tokens,
    metadata: c.metadata,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
  };
}
