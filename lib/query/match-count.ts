/**
 * The table's match count within a time limit: exact when it comes in time,
 * else a lower bound that says it is one.
 */
import type pg from "pg";
import { exactSearchPredicate } from "../search/match";
import type { CompletionFilter } from "../validations/filters";
import { completionWhere, parameters, resolveCompletionFilter } from "./completions";

/** A match count: exact, or a lower bound when counting every match took longer than the page may wait. */
export interface MatchCount {
  n: number;
  exact: boolean;
}

/** How long the table waits for an exact count. */
export const COUNT_TIME_LIMIT_MS = 3_000;
/** Rows a lower bound reads, in order, when the exact count takes too long. */
const LOWER_BOUND_ROWS = 100_000;

/**
 * The table's match count: exact when it comes within `budgetMs` (always, for
 * filters the aggregates answer), else the matches among the first rows in
 * order, said to be a lower bound. `count` counts on the connection it is given.
 */
export async function matchCountWithin(
  pool: pg.Pool,
  projectId: number,
  filter: CompletionFilter,
  unit: "completion" | "case",
  count: (db: pg.ClientBase) => Promise<number>,
  budgetMs = COUNT_TIME_LIMIT_MS,
): Promise<MatchCount> {
  const client = await pool.connect();
  let reusable = true;
  try {
    await client.query(`SET statement_timeout = ${budgetMs}`);
    try {
      return { n: await count(client), exact: true };
    } catch (error) {
      if ((error as { code?: string }).code !== "57014") throw error;
    }
    const resolved = await resolveCompletionFilter(client, projectId, filter);
    if (!resolved) return { n: 0, exact: true };
    const { values, bind } = parameters();
    const others = completionWhere(projectId, { ...resolved, q: undefined }, bind);
    const text = resolved.q === undefined ? "TRUE" : exactSearchPredicate(resolved.q, bind);
    try {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(${unit === "case" ? "DISTINCT c.case_id" : "*"})::int AS n FROM (SELECT * FROM completions c WHERE ${others} ORDER BY c.id LIMIT ${bind(LOWER_BOUND_ROWS)}) c WHERE ${text}`,
        values,
      );
      return { n: rows[0]!.n, exact: false };
    } catch (error) {
      if ((error as { code?: string }).code !== "57014") throw error;
      return { n: 0, exact: false };
    }
  } catch (error) {
    reusable = false;
    throw error;
  } finally {
    if (reusable) await client.query("RESET statement_timeout").catch(() => (reusable = false));
    client.release(!reusable);
  }
}
