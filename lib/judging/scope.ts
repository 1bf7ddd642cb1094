/**
 * The SQL of judge jobs: the completions in a job's scope with what judging
 * one needs (reply, conversation, the predicted intent's current guideline),
 * which of them lack a verdict for a judge configuration, the judge cache, and
 * storing verdicts.
 *
 * A judged verdict carries a cache key over everything the judge sees: the
 * judge's name and configuration version, the predicted intent, its guideline
 * version, the conversation and the reply (`judgeInputKey`). A completion
 * lacks a verdict when no verdict of its own has the key its input has now;
 * a new guideline version or a changed reply changes the key. The unique index
 * on (project, completion, cache key) makes a second verdict for the same
 * input impossible, whoever writes it.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { completionWhere, parameters, resolveCompletionFilter } from "../query/completions";
import type { CompletionFilter } from "../validations/filters";
import type { RubricItem } from "../validations/taxonomy";
import { counts, primaryJudge } from "./counted";

export interface JudgeTarget {
  id: number;
  caseExternalId: string;
  run: string;
  /** null: the completion has a format error. */
  reply: string | null;
  predictedIntent: string | null;
  messages: { role: string; content: string }[];
  /** null when the predicted intent is not in the taxonomy. */
  guideline: { version: number; policy: string; rubric: RubricItem[]; label: string } | null;
}

export interface JudgeIdentity {
  name: string;
  version: string;
}

/** What the cache and the uniqueness of verdicts are keyed by. */
export function judgeInputKey(judge: JudgeIdentity, target: JudgeTarget): string {
  const input =
    target.reply === null ? ["format_error"] : target.guideline === null ? ["unknown_intent", target.predictedIntent] : [target.predictedIntent, target.guideline.version, target.messages, target.reply];
  return createHash("sha256").update(JSON.stringify([judge.name, judge.version, ...input])).digest("hex");
}

interface TargetRow {
  id: string;
  external_id: string;
  run: string;
  reply: string | null;
  intent_verdict: string;
  predicted_intent: string | null;
  messages: { role: string; content: string }[];
  version: number | null;
  policy: string | null;
  rubric: RubricItem[] | null;
  label: string | null;
  keys: string[] | null;
}

const TARGET_COLUMNS = `c.id, cs.external_id, r.name AS run, c.reply, c.intent_verdict, c.predicted_intent, cs.messages,
  g.version, g.policy, g.rubric, i.label,
  (SELECT array_agg(v.cache_key) FROM policy_verdicts v WHERE v.project_id = c.project_id AND v.completion_id = c.id AND v.cache_key IS NOT NULL) AS keys`;
const TARGET_JOINS = `JOIN cases cs ON cs.project_id = c.project_id AND cs.id = c.case_id
  JOIN runs r ON r.id = c.run_id
  LEFT JOIN intents i ON i.project_id = c.project_id AND i.id = c.predicted_intent AND NOT c.unknown_intent
  LEFT JOIN policy_guidelines g ON g.project_id = c.project_id AND g.intent_id = i.id AND g.version = i.current_version`;

function target(row: TargetRow): JudgeTarget & { keys: string[] } {
  return {
    id: Number(row.id),
    caseExternalId: row.external_id,
    run: row.run,
    reply: row.intent_verdict === "format_error" ? null : row.reply,
    predictedIntent: row.predicted_intent,
    messages: row.messages,
    guideline: row.version === null ? null : { version: row.version, policy: row.policy!, rubric: row.rubric ?? [], label: row.label! },
    keys: row.keys ?? [],
  };
}

/**
 * Walks the scope in id order, a page at a time, yielding the completions
 * that lack a verdict with their current input's key.
 */
export async function* lackingVerdicts(db: pg.Pool, projectId: number, filter: CompletionFilter, judge: JudgeIdentity, pageSize = 1000): AsyncGenerator<(JudgeTarget & { key: string })[]> {
  const resolved = await resolveCompletionFilter(db, projectId, filter);
  if (!resolved) return;
  let after = 0;
  for (;;) {
    const { values, bind } = parameters();
    const where = completionWhere(projectId, resolved, bind, "set");
    const { rows } = await db.query<TargetRow>(
      `SELECT ${TARGET_COLUMNS} FROM completions c ${TARGET_JOINS} WHERE ${where} AND c.id > ${bind(after)} ORDER BY c.id LIMIT ${bind(pageSize)}`,
      values,
    );
    if (rows.length === 0) return;
    after = Number(rows.at(-1)!.id);
    const lacking = rows.map(target).flatMap(({ keys, ...t }) => {
      const key = judgeInputKey(judge, t);
      return keys.includes(key) ? [] : [{ ...t, key }];
    });
    if (lacking.length > 0) yield lacking;
    if (rows.length < pageSize) return;
  }
}

export interface CachedVerdict {
  verdict: "pass" | "fail";
  rationale: string;
  agreement: number | null;
}

export async function cachedVerdicts(db: pg.Pool, projectId: number, keys: readonly string[]): Promise<Map<string, CachedVerdict>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<CachedVerdict & { key: string }>(
    "SELECT key, verdict, rationale, agreement FROM judge_cache WHERE project_id = $1 AND key = ANY($2::text[])",
    [projectId, [...new Set(keys)]],
  );
  return new Map(rows.map(({ key, ...verdict }) => [key, verdict]));
}

export interface NewVerdict extends CachedVerdict {
  completionId: number;
  key: string;
  guidelineVersion: number | null;
  /** Put into the judge cache (LLM answers; not the rubric's or the format error's). */
  cache: boolean;
}

/**
 * Stores verdicts in one transaction: each becomes the completion's counted
 * verdict unless the project's primary judge is another (./counted.ts), the
 * cache learns the LLM's answers, and `onStored` runs in the same transaction
 * with the number actually inserted (a verdict for an input already judged is
 * skipped by the unique index, so a job run twice stores nothing twice).
 */
export async function storeVerdicts(
  db: pg.Pool,
  projectId: number,
  judge: JudgeIdentity,
  verdicts: readonly NewVerdict[],
  onStored: (client: pg.PoolClient, inserted: number) => Promise<void>,
): Promise<number> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const json = JSON.stringify(verdicts.map((v) => ({ id: v.completionId, key: v.key, verdict: v.verdict, rationale: v.rationale, agreement: v.agreement, gv: v.guidelineVersion })));
    const primary = await primaryJudge(client, projectId);
    const { rows } = await client.query<{ completion_id: string; verdict: string; guideline_version: number | null }>(
      `INSERT INTO policy_verdicts (project_id, completion_id, verdict, rationale, judge_name, judge_version, guideline_version, source, cache_key, agreement)
       SELECT $1, x.id, x.verdict::policy_verdict, x.rationale, $3, $4, x.gv, 'judged', x.key, x.agreement
         FROM jsonb_to_recordset($2::jsonb) AS x(id bigint, key text, verdict text, rationale text, agreement double precision, gv int)
           ORDER BY x.id
       ON CONFLICT (project_id, completion_id, cache_key) DO NOTHING
       RETURNING completion_id, verdict::text, guideline_version`,
      [projectId, json, judge.name, judge.version],
    );
    if (rows.length > 0 && counts(primary, judge.name)) {
      await client.query(
        `UPDATE completions c SET policy_verdict = x.verdict::policy_verdict, policy_guideline_version = x.gv, updated_at = now()
           FROM unnest($2::bigint[], $3::text[], $4::int[]) AS x(id, verdict, gv)
          WHERE c.project_id = $1 AND c.id = x.id AND (c.policy_verdict <> x.verdict::policy_verdict OR c.policy_guideline_version IS DISTINCT FROM x.gv)`,
        [projectId, rows.map((r) => r.completion_id), rows.map((r) => r.verdict), rows.map((r) => r.guideline_version)],
      );
    }
    const cached = verdicts.filter((v) => v.cache);
    if (cached.length > 0) {
      await client.query(
        `INSERT INTO judge_cache (project_id, key, verdict, rationale, agreement)
         SELECT $1, x.key, x.verdict::policy_verdict, x.rationale, x.agreement
           FROM jsonb_to_recordset($2::jsonb) AS x(key text, verdict text, rationale text, agreement double precision)
         ON CONFLICT (project_id, key) DO NOTHING`,
        [projectId, JSON.stringify(cached.map((v) => ({ key: v.key, verdict: v.verdict, rationale: v.rationale, agreement: v.agreement })))],
      );
    }
    await onStored(client, rows.length);
    await client.query("COMMIT");
    return rows.length;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
