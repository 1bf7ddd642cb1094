/**
 * Facet counts beside the table's filters: for each filter, how many
 * completions each of its values would match, given all the OTHER filters
 * (so picking one value still shows the alternatives' counts). Exact always.
 *
 * Where the other filters are among the keys of the trigger-maintained
 * completion_counts (runs, ground truths, predictions, verdicts, system
 * success, tags: see ./aggregate-counts), the counts come from it: thousands
 * of rows whatever the data size; what a run comparison links to (two runs
 * and an agreement over them) comes from run_pair_counts the same way, one
 * run's winner alone from both (winnerCountBy), and an agreement over every
 * run from completion_outcome_counts (outcomeCountBy; with one run's winner,
 * the run and ground-truth facets: agreementCountBy).
 * Text search and the other case-level filters need the matching
 * completions read: every such facet is counted in one pass over them
 * (countRest), under a time limit. The page shows the aggregates' counts at
 * once and streams the rest in when they are done (their cost is linear in
 * the matches: seconds at a million cases for a common word).
 */
import type pg from "pg";
import type { CompletionFilter } from "../validations/filters";
import type { ChoiceCounts, ChoiceId } from "./choices";
import { agreementCountBy, outcomeCountBy, statsCountable, statsCountByEach } from "./aggregate-counts";
import { pairCountBy, winnerCountBy } from "./pair-counts";
import { searchIndexComplete } from "../search/match";
import { countWithin, LATER_MIN_MS, timeoutUntil, type LaterOptions } from "./later";
import { completionPredicates, completionWhere, matchingFilter, parameters, policySql, resolveCompletionFilter, type PolicySql, type ResolvedCompletionFilter } from "./completions";

function omit(filter: CompletionFilter, id: keyof CompletionFilter): CompletionFilter {
  const { [id]: _own, ...rest } = filter;
  return rest;
}

export const FACET_IDS = ["run", "expectedIntent", "predictedIntent", "intentVerdict", "policyVerdict", "systemSuccess"] as const;
export type FacetId = (typeof FACET_IDS)[number];

/** Value -> completions; null when the count took longer than the limit. */
export type FacetCounts = Record<FacetId, Map<string, number> | null>;
/**
 * Facet counts as a page hands them to the browser: [value, count] pairs in
 * their order (an object would reorder integer-like values and answer for
 * names such as "constructor" it does not hold).
 */
export type FacetCountsData = Partial<Record<FacetId | ChoiceId, [string, number][] | null>>;

export function facetCountsData(counts: Partial<FacetCounts> | Partial<ChoiceCounts>): FacetCountsData {
  return Object.fromEntries(Object.entries(counts).map(([id, values]) => [id, values === null ? null : [...values]]));
}

/** The most predicted-intent values listed (the largest first); the others are too rare to list. */
export const PREDICTED_FACET_MAX = 60;

function withoutFacet(filter: ResolvedCompletionFilter, id: FacetId): ResolvedCompletionFilter {
  const { [id]: _own, ...rest } = filter as Record<string, unknown>;
  return rest as ResolvedCompletionFilter;
}

/** The facets' values as SQL over `c` for the pass over the completions (`policy`: the counted verdict, or the filter's judge's). */
const FACET_VALUE_SQL: Record<FacetId, (policy: PolicySql) => string> = {
  run: () => "c.run_id::text",
  expectedIntent: () => "c.expected_intent",
  predictedIntent: () => "c.predicted_intent",
  intentVerdict: () => "c.intent_verdict::text",
  policyVerdict: (policy) => `${policy.verdict("c")}::text`,
  systemSuccess: (policy) => `${policy.success("system", "c")}::text`,
};
const FACET_KEYS: ReadonlySet<string> = new Set<string>(FACET_IDS);

/** Facets whose values follow from the policy verdict: with one judge's verdicts alone, the aggregates cannot count them. */
const POLICY_FACETS: ReadonlySet<FacetId> = new Set(["policyVerdict", "systemSuccess"]);

/** The filter a facet counts under, as the aggregates see it; null when they cannot count it (one judge's policy verdicts). */
function aggregateFilter(id: FacetId, others: ResolvedCompletionFilter): ResolvedCompletionFilter | null {
  return others.judge !== undefined && POLICY_FACETS.has(id) ? null : matchingFilter(others);
}

/** Counts per value from the case-level aggregates (the filters completion_counts counts are grouped in facetStages), or undefined. */
async function fromAggregates(db: pg.ClientBase | pg.Pool, projectId: number, id: FacetId, matching: ResolvedCompletionFilter): Promise<Map<string, number> | undefined> {
  return (
    (await pairCountBy(db, projectId, id, matching)) ??
    (await winnerCountBy(db, projectId, id, matching)) ??
    (await outcomeCountBy(db, projectId, id, matching)) ??
    (await agreementCountBy(db, projectId, id, matching))
  );
}

/** A facet left to count from the completions, with the other filters it counts under. */
export type SlowFacet = { id: FacetId; others: ResolvedCompletionFilter };

/** A filter split into the facets' own filters and the rest, which every facet of a pass shares (the judge in both). */
function split(filter: ResolvedCompletionFilter): { own: ResolvedCompletionFilter; shared: ResolvedCompletionFilter } {
  const own: Record<string, unknown> = {};
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    // The judge goes with both: it decides what every policy predicate reads.
    if (FACET_KEYS.has(key) || key === "judge") own[key] = value;
    if (!FACET_KEYS.has(key)) shared[key] = value;
  }
  return { own: own as ResolvedCompletionFilter, shared: shared as ResolvedCompletionFilter };
}

/**
 * Several facets counted in one pass over the completions matching what
 * their filters share: each completion yields one (facet, value) row per
 * facet whose own other filters it meets, and the rows are grouped. So a
 * text search with no other filter reads its matches once, not six times.
 * All of `facets` share the same non-facet filters (`shared`).
 */
async function countOnePass(client: pg.ClientBase, projectId: number, shared: ResolvedCompletionFilter, facets: readonly SlowFacet[]): Promise<Map<FacetId, Map<string, number>>> {
  const { values, bind } = parameters();
  const where = completionWhere(projectId, shared, bind, "set");
  const rows = facets.map(({ id, others }, index) => {
    const keep = completionPredicates(split(others).own, bind, "set");
    return { index, id, value: FACET_VALUE_SQL[id](policySql(others.judge, bind)), keep: keep.length > 0 ? `(${keep.join(" AND ")})` : "TRUE" };
  });
  const any = rows.some((row) => row.keep === "TRUE") ? "" : ` AND (${rows.map((row) => row.keep).join(" OR ")})`;
  const { rows: counted } = await client.query<{ facet: number; value: string; n: number }>(
    `SELECT f.facet, f.value, count(*)::float8 AS n
       FROM completions c
      CROSS JOIN LATERAL (VALUES ${rows.map((row) => `(${row.index}, ${row.value}, ${row.keep})`).join(", ")}) AS f(facet, value, keep)
      WHERE ${where}${any} AND f.keep AND f.value IS NOT NULL
      GROUP BY 1, 2`,
    values,
  );
  const result = new Map<FacetId, Map<string, number>>(facets.map(({ id }) => [id, new Map()]));
  for (const row of counted) result.get(facets[row.facet]!.id)!.set(row.value, row.n);
  return result;
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

/** A facet's counts as the page shows them: runs by name, the largest predicted intents only. */
function shown(id: FacetId, counts: Map<string, number>, runNames: Map<number, string>): Map<string, number> {
  if (id === "run") return byRunName(counts, runNames);
  if (id === "predictedIntent") return largest(counts, PREDICTED_FACET_MAX);
  return counts;
}

export interface FacetStages {
  /** The facets the aggregates counted (and those no completion can match: empty). */
  ready: Partial<Record<FacetId, Map<string, number>>>;
  /** The facets left to count from the completions; empty when the aggregates counted all. */
  slow: SlowFacet[];
}

/** Every facet the aggregates can count, at once, and which are left for countRest. */
export async function facetStages(pool: pg.Pool, projectId: number, filter: CompletionFilter, runNames: Map<number, string>): Promise<FacetStages> {
  const ready: FacetStages["ready"] = {};
  const slow: SlowFacet[] = [];
  // Resolving again without the facet's own filter: a run facet must not depend on the run filter resolving.
  const [resolved, withoutRun] = await Promise.all([
    resolveCompletionFilter(pool, projectId, filter),
    filter.run === undefined ? null : resolveCompletionFilter(pool, projectId, omit(filter, "run")),
  ]);
  // Facets whose filters completion_counts counts, grouped by that filter: one scan each (statsCountByEach).
  const counted = new Map<string, { matching: ResolvedCompletionFilter; ids: FacetId[] }>();
  const others: { id: FacetId; own: ResolvedCompletionFilter; matching: ResolvedCompletionFilter | null }[] = [];
  for (const id of FACET_IDS) {
    const own = id === "run" && filter.run !== undefined ? withoutRun : resolved && withoutFacet(resolved, id);
    if (!own) {
      ready[id] = new Map();
      continue;
    }
    const matching = aggregateFilter(id, own);
    if (matching && statsCountable(matching)) {
      const key = JSON.stringify(matching);
      const group = counted.get(key) ?? { matching, ids: [] };
      group.ids.push(id);
      counted.set(key, group);
    } else {
      others.push({ id, own, matching });
    }
  }
  await Promise.all([
    ...[...counted.values()].map(async ({ matching, ids }) => {
      for (const [id, counts] of await statsCountByEach(pool, projectId, ids, matching)) ready[id] = shown(id, counts, runNames);
    }),
    ...others.map(async ({ id, own, matching }) => {
      const fast = matching && (await fromAggregates(pool, projectId, id, matching));
      if (fast) ready[id] = shown(id, fast, runNames);
      else slow.push({ id, others: own });
    }),
  ]);
  return { ready, slow };
}

/**
 * Counts the facets the aggregates could not, from the completions: those
 * sharing their non-facet filters in one pass (countOnePass), the passes one
 * after another in one read-only transaction (./later.ts) within
 * `timeLimitMs` (each statement's timeout is what is left of it). A facet not
 * counted in time is null. With
 * `later` (a page streaming them in), the count waits its turn among the
 * pages' (./later.ts).
 */
export async function countRest(
  pool: pg.Pool,
  projectId: number,
  slow: readonly SlowFacet[],
  runNames: Map<number, string>,
  options: LaterOptions = {},
): Promise<Partial<FacetCounts>> {
  const counts: Partial<FacetCounts> = Object.fromEntries(slow.map(({ id }) => [id, null]));
  if (slow.length === 0) return counts;
  const passes = new Map<string, { shared: ResolvedCompletionFilter; facets: SlowFacet[] }>();
  for (const facet of slow) {
    const { shared } = split(facet.others);
    const key = JSON.stringify(shared);
    const pass = passes.get(key) ?? { shared, facets: [] };
    pass.facets.push(facet);
    passes.set(key, pass);
  }
  // Past the time, the facets not counted yet stay null.
  await countWithin(
    pool,
    async (client, deadline) => {
      for (const { shared, facets } of passes.values()) {
        if (deadline - Date.now() < LATER_MIN_MS) break;
        await timeoutUntil(client, deadline);
        // Whether the search index is complete, as of this transaction's snapshot.
        const { q } = shared;
        const pass = q ? { ...shared, q: { ...q, indexComplete: await searchIndexComplete(client, projectId) } } : shared;
        for (const [id, got] of await countOnePass(client, projectId, pass, facets)) counts[id] = shown(id, got, runNames);
      }
    },
    options,
  );
  return counts;
}

/**
 * Every facet's counts for the filter, exact; those counted from the
 * completions within `timeLimitMs` (null past it). `runNames`: the
 * project's run ids to names.
 */
export async function facetCounts(pool: pg.Pool, projectId: number, filter: CompletionFilter, runNames: Map<number, string>, options: { timeLimitMs?: number } = {}): Promise<FacetCounts> {
  const { ready, slow } = await facetStages(pool, projectId, filter, runNames);
  return { ...ready, ...(await countRest(pool, projectId, slow, runNames, options)) } as FacetCounts;
}
