/**
 * Facet counts beside the table's filters: for each filter, how many
 * completions each of its values would match, given all the OTHER filters
 * (so picking one value still shows the alternatives' counts). Exact always.
 *
 * Where the other filters are only runs and ground-truth intents, the counts
 * come from the trigger-maintained aggregates (run_intent_stats, run_confusion:
 * a few hundred rows, whatever the data size); otherwise from a GROUP BY over
 * the matching completions, under a time limit: a facet that cannot be counted
 * in time says so instead of slowing the page.
 */
import type pg from "pg";
import { INTENT_VERDICTS } from "../grading/intent";
import { SUCCESS_SQL } from "../metrics/queries";
import { POLICY_VERDICTS, type CompletionFilter } from "../validations/filters";
import { statsCountable, statsCountBy, statsWhere } from "./aggregate-counts";
import { completionWhere, parameters, resolveCompletionFilter, type ResolvedCompletionFilter } from "./completions";

function omit(filter: CompletionFilter, id: keyof CompletionFilter): CompletionFilter {
  const { [id]: _own, ...rest } = filter;
  return rest;
}

export const FACET_IDS = ["run", "expectedIntent", "predictedIntent", "intentVerdict", "policyVerdict", "systemSuccess"] as const;
export type FacetId = (typeof FACET_IDS)[number];

/** Value -> completions; null when the count took longer than the limit. */
export type FacetCounts = Record<FacetId, Map<string, number> | null>;

/** How long all the GROUP BY facets of one page may take together; those past it are left out. */
export const FACET_TIME_LIMIT_MS = 1_000;
/** Below this much time left, a facet is not even started. */
const FACET_MIN_MS = 20;
/** The most predicted-intent values listed (the largest first); the others are too rare to list. */
export const PREDICTED_FACET_MAX = 60;

function withoutFacet(filter: ResolvedCompletionFilter, id: FacetId): ResolvedCompletionFilter {
  const { [id]: _own, ...rest } = filter as Record<string, unknown>;
  return rest as ResolvedCompletionFilter;
}

/** The filters set, other than runs and ground truths (the aggregates' keys). */
function nonKeys(filter: ResolvedCompletionFilter): string[] {
  return Object.entries(filter).filter(([id, value]) => value !== undefined && id !== "run" && id !== "expectedIntent").map(([id]) => id);
}

/** The facet's values as SQL over `c` for the GROUP BY path. */
const FACET_VALUE_SQL: Record<FacetId, string> = {
  run: "c.run_id::text",
  expectedIntent: "c.expected_intent",
  predictedIntent: "c.predicted_intent",
  intentVerdict: "c.intent_verdict::text",
  policyVerdict: "c.policy_verdict::text",
  systemSuccess: `${SUCCESS_SQL.system("c")}::text`,
};

/**
 * Counts per value from the aggregates, or undefined when they cannot say for
 * these other filters: runs and ground truths with at most one verdict filter
 * for the run and ground-truth facets; runs and ground truths alone for the
 * verdict facets, and the predicted intents also under an intent verdict (a
 * prediction is correct exactly when it equals the ground truth).
 */
async function fromAggregates(db: pg.ClientBase | pg.Pool, projectId: number, id: FacetId, others: ResolvedCompletionFilter): Promise<Map<string, number> | undefined> {
  const extra = nonKeys(others);
  if (id === "run" || id === "expectedIntent") return statsCountable(others) ? statsCountBy(db, projectId, id, others) : undefined;
  const { values, bind } = parameters();
  const condition = statsWhere(projectId, others, bind);
  if (id === "predictedIntent") {
    if (extra.length > 1 || (extra.length === 1 && extra[0] !== "intentVerdict")) return undefined;
    const verdicts = new Set(others.intentVerdict ?? ["correct", "wrong"]);
    const kept = [verdicts.has("correct") ? "s.predicted = s.expected_intent" : null, verdicts.has("wrong") ? "s.predicted <> s.expected_intent" : null].filter((x) => x !== null);
    if (kept.length === 0) return new Map(); // format errors predict nothing
    const sql = `SELECT s.predicted AS value, sum(s.n)::float8 AS n FROM run_confusion s WHERE ${condition} AND s.predicted <> '' AND (${kept.join(" OR ")}) GROUP BY 1 HAVING sum(s.n) > 0`;
    const { rows } = await db.query<{ value: string; n: number }>(sql, values);
    return new Map(rows.map((row) => [row.value, row.n]));
  }
  if (extra.length > 0) return undefined;
  // One row of sums, turned into one row per value.
  const sums: Record<string, string> =
    id === "intentVerdict" ? { correct: "s.correct", wrong: "s.wrong", format_error: "s.format_error" }
    : id === "policyVerdict" ? { pass: "s.policy_pass", fail: "s.policy_fail", pending: "s.policy_pending" }
    : { true: "s.system_success", false: "s.total - s.system_success" };
  const names = Object.keys(sums);
  const sql = `SELECT v.value, v.n::float8 AS n
       FROM (SELECT ${names.map((name, i) => `sum(${sums[name]}) AS c${i}`).join(", ")} FROM run_intent_stats s WHERE ${condition}) t
       CROSS JOIN LATERAL (VALUES ${names.map((name, i) => `('${name}', t.c${i})`).join(", ")}) AS v(value, n)
      WHERE v.n > 0`;
  const { rows } = await db.query<{ value: string; n: number }>(sql, values);
  return new Map(rows.map((row) => [row.value, row.n]));
}

/** Counts per value by a GROUP BY over the matching completions, or null past the time limit. */
async function fromCompletions(client: pg.ClientBase, projectId: number, id: FacetId, filter: ResolvedCompletionFilter): Promise<Map<string, number> | null> {
  const { values, bind } = parameters();
  const where = completionWhere(projectId, filter, bind, "set");
  try {
    const { rows } = await client.query<{ value: string | null; n: number }>(`SELECT ${FACET_VALUE_SQL[id]} AS value, count(*)::float8 AS n FROM completions c WHERE ${where} GROUP BY 1`, values);
    return new Map(rows.filter((row) => row.value !== null).map((row) => [row.value!, row.n]));
  } catch (error) {
    if ((error as { code?: string }).code === "57014") return null; // canceled by statement_timeout
    throw error;
  }
}

/** Run ids in the counts become run names (the filter's values). */
function byRunName(counts: Map<string, number>, runNames: Map<number, string>): Map<string, number> {
  const named = new Map<string, number>();
  for (const [id, n] of counts) {
    const name = runNames.get(Number(id));
    if (name !== undefined) named.set(name, n);
  }
  return named;
}

function largest(counts: Map<string, number>, max: number): Map<string, number> {
  return new Map([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max));
}

/**
 * Every facet's counts for the filter; `runNames`: the project's run ids to
 * names. The GROUP BYs run one after another on one connection, within one
 * time budget (each statement's timeout is what is left of it), so a slow
 * filter holds one connection, not six, and delays the page by at most the budget.
 */
export async function facetCounts(pool: pg.Pool, projectId: number, filter: CompletionFilter, runNames: Map<number, string>): Promise<FacetCounts> {
  const counts = {} as FacetCounts;
  const slow: [FacetId, ResolvedCompletionFilter][] = [];
  const resolved = await resolveCompletionFilter(pool, projectId, filter);
  await Promise.all(
    FACET_IDS.map(async (id) => {
      // Resolving again without the facet's own filter: a run facet must not depend on the run filter resolving.
      const others = id === "run" ? await resolveCompletionFilter(pool, projectId, omit(filter, "run")) : resolved && withoutFacet(resolved, id);
      if (!others) {
        counts[id] = new Map();
        return;
      }
      const fast = await fromAggregates(pool, projectId, id, others);
      if (fast) counts[id] = fast;
      else slow.push([id, others]);
    }),
  );
  if (slow.length > 0) {
    const deadline = Date.now() + FACET_TIME_LIMIT_MS;
    const client = await pool.connect();
    try {
      for (const [id, resolved] of slow) {
        const left = deadline - Date.now();
        if (left < FACET_MIN_MS) {
          counts[id] = null;
          continue;
        }
        await client.query(`SET statement_timeout = ${Math.floor(left)}`);
        counts[id] = await fromCompletions(client, projectId, id, resolved);
      }
      await client.query("RESET statement_timeout");
      client.release();
    } catch (error) {
      client.release(true); // its session state is unknown: do not reuse it
      throw error;
    }
  }
  const run = counts.run;
  if (run) counts.run = byRunName(run, runNames);
  const predicted = counts.predictedIntent;
  if (predicted) counts.predictedIntent = largest(predicted, PREDICTED_FACET_MAX);
  return counts;
}

/** Every value a facet can show, for the verdict facets (zero counts included, in a fixed order). */
export const FACET_FIXED_VALUES: Partial<Record<FacetId, readonly string[]>> = {
  intentVerdict: INTENT_VERDICTS,
  policyVerdict: POLICY_VERDICTS,
  systemSuccess: ["true", "false"],
};
