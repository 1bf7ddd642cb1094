/**
 * The disagreement inbox: the cases on which the runs disagree, most
 * informative first. The rule, in the words the page shows:
 *
 *   cases where the runs split on the intent come first, the more even the
 *   split the higher (the number of runs on the smaller side of correct
 *   against not correct); ties by the same split on policy (pass against fail),
 *   then by how many different intents the runs predicted; only cases that at
 *   least two of the runs answered and that they split on intent or policy.
 *
 * Over every run, read from the trigger-maintained `case_outcomes` (one row
 * per case with its ranking key, under an index in ranking order) and
 * `case_outcome_counts` (the total): a page is an index range scan. Over chosen runs,
 * one GROUP BY over their completions. Both paged by keyset on the ranking.
 */
import type pg from "pg";
import { z } from "zod";
import { encodeCursor } from "./cursor";
import { FIRST_MESSAGE_SQL } from "./case-rows";
import { parameters } from "./completions";

export const INBOX_RULE =
  "Cases where the runs split on the intent verdict come first, the more even the split the higher (how many runs are on the smaller side of correct against not correct); ties go to the same split on the policy verdict (pass against fail), then to how many different intents the runs predicted. Only cases that at least two runs answered and that they split on intent or policy are listed.";

/** The ranking key of the last case of a page: [intent split, policy split, predicted intents, case id]. */
export const inboxCursorSchema = z.tuple([z.literal("inbox"), z.number().int().min(0), z.number().int().min(0), z.number().int().min(0), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);

export interface InboxCase {
  /** Internal case id (for the verdict cells). */
  id: number;
  caseId: string;
  expectedIntent: string;
  tags: string[];
  message: string;
  intentSplit: number;
  policySplit: number;
  predictedIntents: number;
  runs: number;
}

export interface InboxPage {
  items: InboxCase[];
  total: number;
  nextCursor: string | null;
}

interface RankedRow {
  case_id: number;
  intent_split: number;
  policy_split: number;
  predicted_kinds: number;
  runs: number;
}

/** The ranked cases as SQL (a CTE body), over the given runs (all without). */
function rankedSql(projectId: number, runIds: number[] | undefined, bind: (value: unknown) => string): string {
  const runFilter = runIds ? ` AND c.run_id = ANY(${bind(runIds)}::int4[])` : "";
  return `SELECT s.case_id, least(s.intent_ok, s.runs - s.intent_ok)::int AS intent_split, least(s.policy_pass, s.policy_fail)::int AS policy_split, s.predicted_kinds::int, s.runs::int
      FROM (SELECT c.case_id, count(*) AS runs,
                   count(*) FILTER (WHERE c.intent_verdict = 'correct') AS intent_ok,
                   count(*) FILTER (WHERE c.policy_verdict = 'pass') AS policy_pass,
                   count(*) FILTER (WHERE c.policy_verdict = 'fail') AS policy_fail,
                   count(DISTINCT coalesce(c.predicted_intent, '')) AS predicted_kinds
              FROM completions c WHERE c.project_id = ${bind(projectId)}${runFilter}
             GROUP BY c.case_id HAVING count(*) >= 2) s
     WHERE least(s.intent_ok, s.runs - s.intent_ok) > 0 OR least(s.policy_pass, s.policy_fail) > 0`;
}

/** Ascending order of this key is the ranking. */
const RANK_KEY = "(-r.intent_split, -r.policy_split, -r.predicted_kinds, r.case_id)";

/** Every run's ranking from case_outcomes (the CTE body of rankedSql, for all runs). */
function storedRankingSql(projectId: number, bind: (value: unknown) => string): string {
  return `SELECT o.case_id, o.intent_split, o.policy_split, o.predicted_kinds, o.runs FROM case_outcomes o
     WHERE o.project_id = ${bind(projectId)} AND o.runs >= 2 AND (o.intent_split > 0 OR o.policy_split > 0)`;
}

export async function inboxPage(db: pg.ClientBase | pg.Pool, projectId: number, runIds: number[] | undefined, limit: number, after: z.output<typeof inboxCursorSchema> | null): Promise<InboxPage> {
  if (runIds === undefined) return storedInboxPage(db, projectId, limit, after);
  const { values, bind } = parameters();
  const ranked = rankedSql(projectId, runIds, bind);
  const keyset = after === null ? "" : `WHERE ${RANK_KEY} > (${bind(-after[1])}::int, ${bind(-after[2])}::int, ${bind(-after[3])}::int, ${bind(after[4])}::bigint)`;
  const { rows } = await db.query<RankedRow & { external_id: string; expected_intent: string; tags: string[]; message: string; total: number }>(
    `WITH r AS (${ranked}), counted AS (SELECT count(*)::int AS total FROM r),
          page AS (SELECT * FROM r ${keyset} ORDER BY ${RANK_KEY} LIMIT ${bind(limit + 1)})
     SELECT p.*, k.external_id, k.expected_intent, k.tags, ${FIRST_MESSAGE_SQL} AS message, counted.total
       FROM page p CROSS JOIN counted JOIN cases k ON k.project_id = ${bind(projectId)} AND k.id = p.case_id
      ORDER BY -p.intent_split, -p.policy_split, -p.predicted_kinds, p.case_id`,
    values,
  );
  const total = rows[0]?.total ?? (after === null ? 0 : await countInbox(db, projectId, runIds));
  return toPage(rows, total, limit);
}

/** Every run's inbox: a page of case_outcomes in index order (project, negated key, case), the total from case_outcome_counts. */
async function storedInboxPage(db: pg.ClientBase | pg.Pool, projectId: number, limit: number, after: z.output<typeof inboxCursorSchema> | null): Promise<InboxPage> {
  const { values, bind } = parameters();
  const keyset = after === null ? "" : ` AND (-r.intent_split, -r.policy_split, -r.predicted_kinds, r.case_id) > (${bind(-after[1])}::int, ${bind(-after[2])}::int, ${bind(-after[3])}::int, ${bind(after[4])}::bigint)`;
  const [{ rows }, total] = await Promise.all([
    db.query<RankedRow & { external_id: string; expected_intent: string; tags: string[]; message: string }>(
      `SELECT p.*, k.external_id, k.expected_intent, k.tags, ${FIRST_MESSAGE_SQL} AS message
         FROM (SELECT r.* FROM (${storedRankingSql(projectId, bind)}) r WHERE TRUE${keyset}
                ORDER BY -r.intent_split, -r.policy_split, -r.predicted_kinds, r.case_id LIMIT ${bind(limit + 1)}) p
         JOIN cases k ON k.project_id = ${bind(projectId)} AND k.id = p.case_id
        ORDER BY -p.intent_split, -p.policy_split, -p.predicted_kinds, p.case_id`,
      values,
    ),
    countInbox(db, projectId, undefined),
  ]);
  return toPage(rows, total, limit);
}

function toPage(rows: (RankedRow & { external_id: string; expected_intent: string; tags: string[]; message: string })[], total: number, limit: number): InboxPage {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.case_id,
      caseId: row.external_id,
      expectedIntent: row.expected_intent,
      tags: row.tags,
      message: row.message,
      intentSplit: row.intent_split,
      policySplit: row.policy_split,
      predictedIntents: row.predicted_kinds,
      runs: row.runs,
    })),
    total,
    nextCursor: rows.length > limit && last ? encodeCursor(["inbox", last.intent_split, last.policy_split, last.predicted_kinds, last.case_id]) : null,
  };
}

async function countInbox(db: pg.ClientBase | pg.Pool, projectId: number, runIds: number[] | undefined): Promise<number> {
  if (runIds === undefined) {
    const { rows } = await db.query<{ n: number }>("SELECT coalesce(sum(n), 0)::int AS n FROM case_outcome_counts WHERE project_id = $1 AND runs >= 2 AND (intent_split > 0 OR policy_split > 0)", [projectId]);
    return rows[0]!.n;
  }
  const { values, bind } = parameters();
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${rankedSql(projectId, runIds, bind)}) r`, values);
  return rows[0]!.n;
}

/** The cases before and after this one in the inbox's ranking (external ids), for next/previous; a pool, since the two sides of the stored ranking are asked at once. */
export async function inboxNeighbours(db: pg.Pool, projectId: number, runIds: number[] | undefined, externalId: string): Promise<{ previous: string | null; next: string | null; inInbox: boolean }> {
  if (runIds === undefined) return storedInboxNeighbours(db, projectId, externalId);
  const { values, bind } = parameters();
  const { rows } = await db.query<{ previous: string | null; next: string | null }>(
    `WITH r AS (${rankedSql(projectId, runIds, bind)}),
          w AS (SELECT r.case_id, lag(r.case_id) OVER o AS previous, lead(r.case_id) OVER o AS next FROM r WINDOW o AS (ORDER BY ${RANK_KEY}))
     SELECT p.external_id AS previous, n.external_id AS next
       FROM w JOIN cases k ON k.project_id = ${bind(projectId)} AND k.id = w.case_id
       LEFT JOIN cases p ON p.project_id = k.project_id AND p.id = w.previous
       LEFT JOIN cases n ON n.project_id = k.project_id AND n.id = w.next
      WHERE k.external_id = ${bind(externalId)}`,
    values,
  );
  const row = rows[0];
  return row ? { previous: row.previous, next: row.next, inInbox: true } : { previous: null, next: null, inInbox: false };
}

/** Every run's neighbours: the case's own key, then the nearest key on either side, each one index probe (bound values, so the row comparison bounds the index scan). */
async function storedInboxNeighbours(db: pg.Pool, projectId: number, externalId: string): Promise<{ previous: string | null; next: string | null; inInbox: boolean }> {
  const own = parameters();
  const { rows: [key] } = await db.query<RankedRow>(
    `SELECT r.* FROM (${storedRankingSql(projectId, own.bind)}) r JOIN cases k ON k.project_id = ${own.bind(projectId)} AND k.id = r.case_id WHERE k.external_id = ${own.bind(externalId)}`,
    own.values,
  );
  if (!key) return { previous: null, next: null, inInbox: false };
  const side = async (comparison: ">" | "<", direction: "ASC" | "DESC") => {
    const { values, bind } = parameters();
    const { rows } = await db.query<{ external_id: string }>(
      `SELECT k.external_id FROM (SELECT r.case_id FROM (${storedRankingSql(projectId, bind)}) r
          WHERE (-r.intent_split, -r.policy_split, -r.predicted_kinds, r.case_id) ${comparison} (${bind(-key.intent_split)}::int, ${bind(-key.policy_split)}::int, ${bind(-key.predicted_kinds)}::int, ${bind(key.case_id)}::bigint)
          ORDER BY -r.intent_split ${direction}, -r.policy_split ${direction}, -r.predicted_kinds ${direction}, r.case_id ${direction} LIMIT 1) x
         JOIN cases k ON k.project_id = ${bind(projectId)} AND k.id = x.case_id`,
      values,
    );
    return rows[0]?.external_id ?? null;
  };
  const [previous, next] = await Promise.all([side("<", "DESC"), side(">", "ASC")]);
  return { previous, next, inInbox: true };
}
