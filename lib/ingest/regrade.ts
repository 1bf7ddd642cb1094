import type pg from "pg";
import { gradeIntent, type IntentGrade } from "../grading/intent";
import type { ProjectContext } from "../projects";

/** A completion with a format error gets policy `fail`, "format error", whatever the record carried (docs/grading.md). */
export const FORMAT_ERROR_POLICY = {
  verdict: "fail",
  rationale: "format error",
  judge: "grader",
  judgeVersion: "1",
  source: "judged",
} as const;

/**
 * Longest predicted intent stored, in UTF-16 code units. The predicted intent
 * is model output of any length, but it is indexed, and a btree entry holds at
 * most 2,704 bytes: 200 units are at most 600 bytes of UTF-8. An intent id is
 * at most 100 characters, so a longer prediction is graded `wrong`, unknown,
 * whatever is stored; it is kept cut to its start and flagged.
 */
export const STORED_PREDICTED_INTENT_MAX = 200;

/** The predicted intent as stored: at most STORED_PREDICTED_INTENT_MAX units, never half a surrogate pair. */
export function storedPredictedIntent(predicted: string | null): { value: string | null; truncated: boolean } {
  if (predicted === null || predicted.length <= STORED_PREDICTED_INTENT_MAX) return { value: predicted, truncated: false };
  let end = STORED_PREDICTED_INTENT_MAX;
  const last = predicted.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { value: predicted.slice(0, end), truncated: true };
}

/** The completion columns that the intent grade determines. */
export function gradeColumns(grade: IntentGrade) {
  const predicted = storedPredictedIntent(grade.predictedIntent);
  return {
    analysis: grade.analysis,
    predicted_intent: predicted.value,
    predicted_intent_truncated: predicted.truncated,
    reply: grade.reply,
    intent_verdict: grade.verdict,
    format_error: grade.formatError,
    unknown_intent: grade.unknownIntent,
    reward: grade.reward,
  };
}

/**
 * Re-grades every completion of the given cases against their current ground
 * truth (after a correction), with the one grader. The aggregate triggers see
 * the UPDATE, so the leaderboard stays exact.
 */
export async function regradeCases(db: pg.ClientBase, project: ProjectContext, caseIds: readonly number[]): Promise<number> {
  const { rows } = await db.query<{ id: number; text: string; expected_intent: string }>(
    `SELECT co.id, co.text, ca.expected_intent FROM completions co
       JOIN cases ca ON ca.project_id = co.project_id AND ca.id = co.case_id
      WHERE co.project_id = $1 AND co.case_id = ANY($2) ORDER BY co.id FOR UPDATE OF co`,
    [project.id, caseIds],
  );
  if (rows.length === 0) return 0;
  const taxonomy = new Set(project.intents.keys());
  const updates = rows.map((row) => ({
    id: row.id,
    expected_intent: row.expected_intent,
    ...gradeColumns(gradeIntent(row.text, row.expected_intent, { taxonomy, rewards: project.rewards })),
  }));
  await db.query(
    `UPDATE completions c SET expected_intent = x.expected_intent, analysis = x.analysis, predicted_intent = x.predicted_intent,
            predicted_intent_truncated = x.predicted_intent_truncated, reply = x.reply, intent_verdict = x.intent_verdict, format_error = x.format_error,
            unknown_intent = x.unknown_intent, reward = x.reward, updated_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS x(id bigint, expected_intent text, analysis text, predicted_intent text,
            predicted_intent_truncated boolean, reply text, intent_verdict intent_verdict, format_error text, unknown_intent boolean, reward double precision)
      WHERE c.project_id = $1 AND c.id = x.id`,
    [project.id, JSON.stringify(updates)],
  );
  return rows.length;
}
