/**
 * The discordant cases behind a comparison of two runs (docs/metrics.md): the
 * cases one run gets right and the other gets wrong, listed so a reviewer can
 * read them. The counts and the test come from `compareRuns` in ./queries.
 */
import type pg from "pg";
import { SUCCESS_SQL, type SuccessKind } from "./queries";


/** Which run succeeds where the other fails. */
export type DiscordantDirection = "onlyA" | "onlyB";

export interface RunOutcome {
  /** Null on a format error. */
  predictedIntent: string | null;
  intentVerdict: "correct" | "wrong" | "format_error";
  policyVerdict: "pass" | "fail" | "pending";
}

export interface DiscordantCase {
  externalId: string;
  expectedIntent: string;
  /** The customer's last message, cut to `MESSAGE_CHARS` characters. Plain text. */
  lastMessage: string;
  a: RunOutcome;
  b: RunOutcome;
}

export const MESSAGE_CHARS = 400;

interface Row {
  external_id: string;
  expected_intent: string;
  last_message: string | null;
  a_predicted: string | null;
  a_intent: RunOutcome["intentVerdict"];
  a_policy: RunOutcome["policyVerdict"];
  b_predicted: string | null;
  b_intent: RunOutcome["intentVerdict"];
  b_policy: RunOutcome["policyVerdict"];
}

/**
 * Up to `limit` cases, in case-id order, where one run succeeds on `kind` and
 * the other does not. Both runs' outcomes are returned in A/B order whatever
 * the direction.
 */
export async function discordantCases(
  db: pg.ClientBase | pg.Pool,
  projectId: number,
  runA: number,
  runB: number,
  kind: SuccessKind,
  direction: DiscordantDirection,
  limit = 50,
): Promise<DiscordantCase[]> {
  const a = SUCCESS_SQL[kind]("a");
  const b = SUCCESS_SQL[kind]("b");
  const discordant = direction === "onlyA" ? `${a} AND NOT ${b}` : `${b} AND NOT ${a}`;
  // Cases in external-id order (its unique index), each probed for both runs' completions: the scan
  // stops after `limit` discordant cases instead of joining every paired completion and sorting.
  const { rows } = await db.query<Row>(
    `SELECT c.external_id, c.expected_intent,
            left((SELECT m.value ->> 'content' FROM jsonb_array_elements(c.messages) WITH ORDINALITY AS m(value, position)
                   WHERE m.value ->> 'role' = 'user' ORDER BY m.position DESC LIMIT 1), $5) AS last_message,
            a.predicted_intent AS a_predicted, a.intent_verdict AS a_intent, a.policy_verdict AS a_policy,
            b.predicted_intent AS b_predicted, b.intent_verdict AS b_intent, b.policy_verdict AS b_policy
       FROM cases c
       CROSS JOIN LATERAL (SELECT predicted_intent, intent_verdict, policy_verdict FROM completions a
                            WHERE a.project_id = $1 AND a.case_id = c.id AND a.run_id = $2) a
       CROSS JOIN LATERAL (SELECT predicted_intent, intent_verdict, policy_verdict FROM completions b
                            WHERE b.project_id = $1 AND b.case_id = c.id AND b.run_id = $3) b
      WHERE c.project_id = $1 AND ${discordant}
      ORDER BY c.external_id
      LIMIT $4`,
    [projectId, runA, runB, limit, MESSAGE_CHARS],
  );
  return rows.map((row) => ({
    externalId: row.external_id,
    expectedIntent: row.expected_intent,
    lastMessage: row.last_message ?? "",
    a: { predictedIntent: row.a_predicted, intentVerdict: row.a_intent, policyVerdict: row.a_policy },
    b: { predictedIntent: row.b_predicted, intentVerdict: row.b_intent, policyVerdict: row.b_policy },
  }));
}
