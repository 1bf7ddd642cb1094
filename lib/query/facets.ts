/**
 * Facet counts beside the table's filters: for each filter, how many
 * completions each of its values would match, given all the OTHER filters
 * (so picking one value still shows the alternatives' counts). Exact always.
 *
 * Where the other filters are among the keys of the trigger-maintained
 * completion_counts (runs, ground truths, predictions, verdicts, system
 * success, tags: see ./aggregate-counts), the counts come from it: thousands
 * of rows whatever the data size; what a run comparison links to (two runs
 * and an agreement over them) comes from run_pair_counts the same way. Text search and the case-level filters
 * need a GROUP BY over the matching completions, under a time limit: a facet
 * that cannot be counted in time says so instead of slowing the page.
 */
import type pg from "pg";
import { INTENT_VERDICTS } from "../grading/intent";
import { POLICY_VERDICTS, type CompletionFilter } from "../validations/filters";
import { pairCountBy, statsCount, statsCountable, statsCountBy, statsPart } from "./aggregate-counts";
import { completionWhere, matchingFilter, parameters, policySql, resolveCompletionFilter, type PolicySql, type ResolvedCompletionFilter } from "./completions";

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
/**
 * Completions a GROUP BY facet may have to read, at most, to be tried: past
 * this it cannot finish within FACET_TIME_LIMIT_MS (about 4 µs a row, measured
 * at a million cases x 3 runs), so it is left out at once instead of holding
 * the page for the whole budget.
 */
export const FACET_GROUP_MAX_ROWS = 200_000;

/**
 * An upper bound on the completions a GROUP BY over the filter reads, from
 * the aggregates: the matches of its per-completion part, plus each
 * case-level filter's own scan of its runs' completions. Null with text
 * search, whose index decides what it reads.
 */
async function groupWork(db: pg.ClientBase | pg.Pool, projectId: number, filter: ResolvedCompletionFilter): Promise<number | null> {
  if (filter.q !== undefined) return null;
  const scans = [filter.agreement?.runs, filter.winner?.runs].filter((runs) => runs !== undefined);
  const counts = await Promise.all([statsCount(db, projectId, statsPart(filter)), ...scans.map((runs) => statsCount(db, projectId, { run: runs }))]);
  return counts.reduce((sum, n) => sum + n, 0);
}
/** The most predicted-intent values listed (the largest first); the others are too rare to list. */
export const PREDICTED_FACET_MAX = 60;

function withoutFacet(filter: ResolvedCompletionFilter, id: FacetId): ResolvedCompletionFilter {
  const { [id]: _own, ...rest } = filter as Record<string, unknown>;
  return rest as ResolvedCompletionFilter;
}

/** The facet's values as SQL over `c` for the GROUP BY path (`policy`: the counted verdict, or the filter's judge's). */
const FACET_VALUE_SQL: Record<FacetId, (policy: PolicySql) => string> = {
  run: () => "c.run_id::text",
  expectedIntent: () => "c.expected_intent",
  predictedIntent: () => "c.predicted_intent",
  intentVerdict: () => "c.intent_verdict::text",
  policyVerdict: (policy) => `${policy.verdict("c")}::text`,
  systemSuccess: (policy) => `${policy.success("system", "c")}::text`,
};

/** Facets whose values follow from the policy verdict: with one judge's verdicts alone, the aggregates cannot count them. */
const POLICY_FACETS: ReadonlySet<FacetId> = new Set(["policyVerdict", "systemSuccess"]);

/** Counts per value from completion_counts, or undefined when the other filters are not among its keys. */
async function fromAggregates(db: pg.ClientBase | pg.Pool, projectId: number, id: FacetId, others: ResolvedCompletionFilter): Promise<Map<string, number> | undefined> {
  if (others.judge !== undefined && POLICY_FACETS.has(id)) return undefined;
  const matching = matchingFilter(others);
  return statsCountable(matching) ? statsCountBy(db, projectId, id, matching) : pairCountBy(db, projectId, id, matching);
}

/** Counts per value by a GROUP BY over the matching completions, or null past the time limit. */
async function fromCompletions(client: pg.ClientBase, projectId: number, id: FacetId, filter: ResolvedCompletionFilter): Promise<Map<string, number> | null> {
  const { values, bind } = parameters();
  const where = completionWhere(projectId, filter, bind, "set");
  try {
    const value = FACET_VALUE_SQL[id](policySql(filter.judge, bind));
    const { rows } = await client.query<{ value: string | null; n: number }>(`SELECT ${value} AS value, count(*)::float8 AS n FROM completions c WHERE ${where} GROUP BY 1`, values);
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
 * `timeLimitMs` is that budget: the page's is FACET_TIME_LIMIT_MS; exactness
 * tests on a loaded machine give more. A facet whose GROUP BY would read more
 * than `maxGroupRows` completions (FACET_GROUP_MAX_ROWS) is left out untried.
 */
export async function facetCounts(
  pool: pg.Pool,
  projectId: number,
  filter: CompletionFilter,
  runNames: Map<number, string>,
  { timeLimitMs = FACET_TIME_LIMIT_MS, maxGroupRows = FACET_GROUP_MAX_ROWS } = {},
): Promise<FacetCounts> {
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
    const deadline = Date.now() + timeLimitMs;
    const client = await pool.connect();
    try {
      for (const [id, resolved] of slow) {
        const left = deadline - Date.now();
        const work = left < FACET_MIN_MS ? null : await groupWork(client, projectId, resolved);
        if (left < FACET_MIN_MS || (work !== null && work > maxGroupRows)) {
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
