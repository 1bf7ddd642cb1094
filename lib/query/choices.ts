/**
 * Counts beside the values of the table's one-value filters "across the
 * runs" (`agreement`) and "succeeds in run" (`winner`): for each value, the
 * completions the filter matches with that value chosen and its other
 * filters kept. From the aggregates when they answer every value, else in
 * one pass over the completions after the page is sent (./later.ts), like
 * the facets of ./facets.ts.
 */
import type pg from "pg";
import { AGREEMENTS, type CompletionFilter } from "../validations/filters";
import { OUTCOME_AGREEMENT, OUTCOME_SUCCESS } from "./completion-filter-sql";
import { aggregateCount, completionWhere, parameters, policySql, resolveCompletionFilter } from "./completions";
import { countWithin, timeoutUntil, type LaterOptions } from "./later";

/** The table's one-value filters that carry counts beside their values. */
export const CHOICE_IDS = ["agreement", "winner"] as const;
export type ChoiceId = (typeof CHOICE_IDS)[number];
/** Value -> completions; null when not counted in time. */
export type ChoiceCounts = Record<ChoiceId, Map<string, number> | null>;

/**
 * The completions matching each agreement over the filter's runs (under its
 * success), the filter's other parts kept: from the aggregates when they
 * answer every value, else in one pass over the completions the other parts
 * match, each joined with its case's outcome over the runs (its row in
 * case_outcomes over every run, else its completions in the runs grouped).
 */
async function agreementChoices(db: pg.ClientBase, projectId: number, filter: CompletionFilter): Promise<Map<string, number>> {
  const probe = await resolveCompletionFilter(db, projectId, { ...filter, agreement: "paired" });
  if (!probe?.agreement) return new Map(AGREEMENTS.map((value) => [value, 0]));
  const { agreement, ...others } = probe;
  // One after another: the queries share one client (its transaction's snapshot).
  const fromAggregates: (number | null)[] = [];
  for (const value of AGREEMENTS) fromAggregates.push(await aggregateCount(db, projectId, { ...others, agreement: { ...agreement, value } }));
  if (fromAggregates.every((n) => n !== null)) return new Map(AGREEMENTS.map((value, i) => [value, fromAggregates[i]!]));
  const { values, bind } = parameters();
  const policy = policySql(others.judge, bind);
  const runs = [...new Set(agreement.runs)];
  const outcomes =
    agreement.everyRun && (policy.counted || agreement.success === "intent")
      ? `SELECT o.case_id, o.runs, o.${OUTCOME_SUCCESS[agreement.success]} AS k FROM case_outcomes o WHERE o.project_id = ${bind(projectId)}`
      : `SELECT a.case_id, count(*) AS runs, count(*) FILTER (WHERE ${policy.success(agreement.success, "a")}) AS k
           FROM completions a WHERE a.project_id = ${bind(projectId)} AND a.run_id = ANY(${bind(runs)}::int4[]) GROUP BY a.case_id`;
  const n = bind(runs.length);
  const { rows } = await db.query<Record<string, number>>(
    `SELECT ${AGREEMENTS.map((value) => `count(*) FILTER (WHERE o.runs = ${n} AND ${OUTCOME_AGREEMENT[value]("o.k", "o.runs")})::float8 AS "${value}"`).join(", ")}
       FROM completions c JOIN (${outcomes}) o ON o.case_id = c.case_id
      WHERE ${completionWhere(projectId, others, bind, "set")}`,
    values,
  );
  return new Map(AGREEMENTS.map((value) => [value, rows[0]![value]!]));
}

/**
 * The completions matching "succeeds in run R" for each of the project's
 * runs, the filter's other parts kept: from the aggregates when they answer
 * every run, else in one pass joining each completion the other parts match
 * with its case's succeeding completions.
 */
async function winnerChoices(db: pg.ClientBase, projectId: number, filter: CompletionFilter, runNames: Map<number, string>): Promise<Map<string, number>> {
  const names = [...runNames.values()];
  const others = await resolveCompletionFilter(db, projectId, { ...filter, winner: undefined });
  if (!others) return new Map(names.map((name) => [name, 0]));
  // Each run's "succeeds in run", as resolving `winner` with its name makes it (runNames holds the project's runs).
  const counted: (number | null)[] = [];
  for (const id of runNames.keys()) counted.push(await aggregateCount(db, projectId, { ...others, winner: { projectId, runs: [id], success: filter.success ?? "system" } }));
  if (counted.every((n) => n !== null)) return new Map(names.map((name, i) => [name, counted[i]!]));
  const { values, bind } = parameters();
  const success = policySql(others.judge, bind).success(filter.success ?? "system", "w");
  const { rows } = await db.query<{ run_id: number; n: number }>(
    `SELECT w.run_id, count(*)::float8 AS n
       FROM completions c JOIN completions w ON w.project_id = c.project_id AND w.case_id = c.case_id AND ${success}
      WHERE ${completionWhere(projectId, others, bind, "set")}
      GROUP BY w.run_id`,
    values,
  );
  const byRun = new Map(rows.map((row) => [Number(row.run_id), row.n]));
  return new Map([...runNames].map(([id, name]) => [name, byRun.get(id) ?? 0]));
}

/**
 * Counts beside the values of the one-value filters "across the runs" and
 * "succeeds in run": for each value, the completions the filter matches with
 * that value chosen and its other filters kept (agreementChoices,
 * winnerChoices), in one read-only snapshot within `timeLimitMs`; a filter
 * whose values were not counted in time is null. `runNames`: the project's
 * run ids to names. With `later`, the count waits its turn (./later.ts).
 */
export async function countChoices(pool: pg.Pool, projectId: number, filter: CompletionFilter, runNames: Map<number, string>, options: LaterOptions = {}): Promise<ChoiceCounts> {
  const counts: ChoiceCounts = { agreement: null, winner: null };
  // Past the time, what was not counted yet stays null.
  await countWithin(
    pool,
    async (client, deadline) => {
      counts.agreement = await agreementChoices(client, projectId, filter);
      await timeoutUntil(client, deadline);
      counts.winner = await winnerChoices(client, projectId, filter, runNames);
    },
    options,
  );
  return counts;
}
