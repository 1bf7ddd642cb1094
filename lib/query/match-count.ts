/**
 * The table's match count within a time limit: exact when it comes in time,
 * else a lower bound that says it is one.
 */
import type pg from "pg";
import { exactSearchPredicate } from "../search/match";
import type { CompletionFilter } from "../validations/filters";
import { completionWhere, parameters, resolveCompletionFilter } from "./completions";
import { countLater, LATER_TIME_LIMIT_MS, timedOut, withDeadline } from "./later";

/** A match count: exact, or a lower bound when counting every match took longer than the page may wait (null: not even that in time). */
export type MatchCount = { n: number; exact: true } | { n: number | null; exact: false };

/** How long the table waits for an exact count (past it, the page shows a lower bound and the exact count follows: exactCountLater). */
export const COUNT_TIME_LIMIT_MS = 1_000;
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
    // One snapshot for the count's own reads (whether the search index is complete) and the count.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query(`SET LOCAL statement_timeout = ${budgetMs}`);
    await client.query("SET LOCAL work_mem = '64MB'"); // a text search's matches hashed in memory
    try {
      const n = await count(client);
      await client.query("COMMIT");
      return { n, exact: true };
    } catch (error) {
      if (!timedOut(error)) throw error;
      await client.query("ROLLBACK");
    }
    await client.query(`SET statement_timeout = ${budgetMs}`);
    const resolved = await resolveCompletionFilter(client, projectId, filter);
    if (!resolved) return { n: 0, exact: true };
    const { values, bind } = parameters();
    const others = completionWhere(projectId, { ...resolved, q: undefined }, bind);
    const text = resolved.q === undefined ? "TRUE" : exactSearchPredicate(resolved.q.text, bind);
    try {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(${unit === "case" ? "DISTINCT c.case_id" : "*"})::int AS n FROM (SELECT * FROM completions c WHERE ${others} ORDER BY c.id LIMIT ${bind(LOWER_BOUND_ROWS)}) c WHERE ${text}`,
        values,
      );
      return { n: rows[0]!.n, exact: false };
    } catch (error) {
      if (!timedOut(error)) throw error;
      return { n: null, exact: false };
    }
  } catch (error) {
    reusable = false;
    throw error;
  } finally {
    if (reusable) await client.query("RESET statement_timeout").catch(() => (reusable = false));
    client.release(!reusable);
  }
}

/**
 * The exact count a page sends after itself when matchCountWithin gave a
 * lower bound: counted in its turn among the pages' (./later.ts) within
 * `timeLimitMs`; null when it did not finish in time.
 */
export async function exactCountLater(pool: pg.Pool, count: (db: pg.ClientBase) => Promise<number>, timeLimitMs = LATER_TIME_LIMIT_MS): Promise<number | null> {
  try {
    return await countLater((deadline) => withDeadline(pool, deadline, count), timeLimitMs);
  } catch (error) {
    if (timedOut(error)) return null;
    throw error;
  }
}
