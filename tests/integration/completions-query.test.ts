/**
 * The completion list (lib/query/completions.ts) against real PostgreSQL, on a
 * fixed dataset whose every verdict is known in advance: each filter and their
 * combinations return exactly the expected completions, pages visit every row
 * once, and text search takes %, _ and backslash literally.
 */
import type pg from "pg";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseCursorSchema, countCases, listCaseRows, type CaseRow } from "../../lib/query/case-rows";
import { agreementCount, outcomeCount } from "../../lib/query/aggregate-counts";
import { pairCount, winnerCount } from "../../lib/query/pair-counts";
import { aggregateCount, countCompletions, listCompletions, matchingFilter, resolveCompletionFilter, type CompletionListItem } from "../../lib/query/completions";
import { exactCountLater, matchCountWithin } from "../../lib/query/match-count";
import { decodeCursor } from "../../lib/query/cursor";
import { FACET_IDS, facetCounts, facetStages, type FacetId } from "../../lib/query/facets";
import { countChoices } from "../../lib/query/choices";
import type { ProjectContext } from "../../lib/projects";
import { completionListQuerySchema, type CompletionFilter, type CompletionSort } from "../../lib/validations/filters";
import type { RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const INTENTS = TWO_INTENTS.map((intent) => intent.id);
const RUNS = ["run-a", "run-b", "run-c"];
type Outcome = "correct" | "wrong" | "unknown" | "format";
const OUTCOMES: Outcome[] = ["correct", "wrong", "unknown", "format"];
const VERDICTS = ["pass", "fail", "pending"] as const;
const AGREEMENT_VALUES = ["paired", "disagree", "allSucceed", "allFail"] as const;

/** Customer messages chosen so that unescaped %, _ or \ in a pattern would match the wrong ones. */
const PHRASES = ["I got 50% off", "I got 500 off", "order a_b please", "order axb please", "path C:\\temp here", "path C:temp here", "Refund Please now", "nothing special"];

interface Expected {
  key: string; // caseId/run
  caseId: string;
  run: string;
  expectedIntent: string;
  predictedIntent: string | null;
  intentVerdict: "correct" | "wrong" | "format_error";
  policyVerdict: "pass" | "fail" | "pending";
  userText: string[];
  text: string;
  tags: string[];
}

/** Tags by case number, fixed: some cases have one, some two, some none. */
function tagsOf(i: number): string[] {
  return [...(i % 3 === 0 ? ["vip"] : []), ...(i % 4 === 0 ? ["typo"] : []), ...(i === 7 ? ["50%_odd tag"] : [])];
}

/** A deterministic dataset: 40 cases x up to 3 runs, outcomes from a seeded generator (mulberry32). */
function dataset(): { records: RecordInput[]; expected: Expected[] } {
  let seed = 12345;
  const next = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  const records: RecordInput[] = [];
  const expected: Expected[] = [];
  for (let i = 0; i < 40; i++) {
    const caseId = `case-${String(i).padStart(2, "0")}`;
    const intent = INTENTS[i % INTENTS.length]!;
    const other = INTENTS[(i + 1) % INTENTS.length]!;
    const user = `Case ${i}: ${PHRASES[i % PHRASES.length]}`;
    const messages = [
      { role: "system" as const, content: "system note secretword" },
      { role: "user" as const, content: user },
      { role: "assistant" as const, content: "assistant says hiddenword" },
      { role: "user" as const, content: `follow-up ${i}` },
    ];
    const completions = RUNS.filter((_, r) => (i + r) % 7 !== 0).map((run) => {
      const outcome = OUTCOMES[next(OUTCOMES.length)]!;
      const verdict = VERDICTS[next(VERDICTS.length)]!;
      const reply = `Reply from ${run} for ${i}${i % 5 === 0 && run === "run-b" ? " with a VOUCHER" : ""}.`;
      const text =
        outcome === "format" ? `<intent>${intent}</intent> ${reply}`
        : completionText(outcome === "correct" ? intent : outcome === "wrong" ? other : "pizza_order", reply);
      expected.push({
        key: `${caseId}/${run}`,
        caseId,
        run,
        expectedIntent: intent,
        predictedIntent: outcome === "format" ? null : outcome === "correct" ? intent : outcome === "wrong" ? other : "pizza_order",
        intentVerdict: outcome === "correct" ? "correct" : outcome === "format" ? "format_error" : "wrong",
        policyVerdict: outcome === "format" ? "fail" : verdict,
        userText: [user, `follow-up ${i}`],
        text,
        tags: tagsOf(i),
      });
      return { run, model: `model-${run}`, text, ...(verdict === "pending" ? {} : { policy: { verdict, judge: "test" } }) };
    });
    records.push({ case: { id: caseId, messages, expectedIntent: intent, tags: tagsOf(i) }, completions });
  }
  return { records, expected };
}

const succeeds = (row: Expected, kind: "system" | "intent" | "policy") =>
  (kind !== "policy" ? row.intentVerdict === "correct" : true) && (kind !== "intent" ? row.policyVerdict === "pass" : true);

/** The case-level filters, written out from their definitions over the case's other completions. */
function caseLevel(row: Expected, filter: CompletionFilter): boolean {
  const kind = filter.success ?? "system";
  const siblings = expected.filter((other) => other.caseId === row.caseId);
  if (filter.winner && !siblings.some((other) => filter.winner!.includes(other.run) && succeeds(other, kind))) return false;
  if (filter.agreement) {
    const runs = filter.run ? [...new Set(filter.run)].filter((run) => RUNS.includes(run)) : RUNS;
    const compared = siblings.filter((other) => runs.includes(other.run));
    if (runs.length === 0 || compared.length !== runs.length) return false;
    const wins = compared.filter((other) => succeeds(other, kind)).length;
    const holds = { paired: true, disagree: wins > 0 && wins < compared.length, allSucceed: wins === compared.length, allFail: wins === 0 }[filter.agreement];
    if (!holds) return false;
  }
  return true;
}

function matches(row: Expected, filter: CompletionFilter): boolean {
  const q = filter.q?.toLowerCase();
  return (
    caseLevel(row, filter) &&
    (filter.systemSuccess === undefined || succeeds(row, "system") === filter.systemSuccess) &&
    (!filter.tag || filter.tag.some((tag) => row.tags.includes(tag))) &&
    (!filter.run || filter.run.includes(row.run)) &&
    (!filter.expectedIntent || filter.expectedIntent.includes(row.expectedIntent)) &&
    (!filter.predictedIntent || (row.predictedIntent !== null && filter.predictedIntent.includes(row.predictedIntent))) &&
    (!filter.intentVerdict || filter.intentVerdict.includes(row.intentVerdict)) &&
    (!filter.policyVerdict || filter.policyVerdict.includes(row.policyVerdict)) &&
    (!q || row.text.toLowerCase().includes(q) || row.userText.some((text) => text.toLowerCase().includes(q)))
  );
}

let project: ProjectContext;
let expected: Expected[];
/** Completion keys in id order, as stored. */
let order: string[];

beforeAll(async () => {
  const data = dataset();
  expected = data.expected;
  project = await freshProject(TWO_INTENTS, "cq");
  // Two batches, so ids of one run are not all contiguous.
  const results = [...(await ingest(project, data.records.slice(0, 25))), ...(await ingest(project, data.records.slice(25)))];
  expect(results.every((result) => result.status === "created")).toBe(true);
  // Another project with the same case ids and run names: must never show up.
  const other = await freshProject(TWO_INTENTS, "cq-other");
  await ingest(other, data.records.slice(0, 10));
  const { rows } = await db.pool.query<{ key: string }>(
    `SELECT k.external_id || '/' || r.name AS key FROM completions c
       JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id JOIN runs r ON r.id = c.run_id
      WHERE c.project_id = $1 ORDER BY c.id`,
    [project.id],
  );
  order = rows.map((row) => row.key);
  expect(order).toHaveLength(expected.length);
});

const keyOf = (item: CompletionListItem) => `${item.caseId}/${item.run}`;

async function all(filter: CompletionFilter, options: { limit?: number; sort?: CompletionSort; searchScanRows?: number } = {}): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const query = completionListQuerySchema.parse({ ...filter, limit: String(options.limit ?? 500), sort: options.sort ?? "id", ...(cursor ? { cursor } : {}) });
    const result = await listCompletions(db.pool, project.id, query, { searchScanRows: options.searchScanRows });
    expect(result.items.length).toBeLessThanOrEqual(query.limit);
    keys.push(...result.items.map(keyOf));
    if (result.nextCursor === null) return keys;
    expect(result.items).toHaveLength(query.limit);
    cursor = result.nextCursor;
  }
  throw new Error("pagination did not end");
}

/** None, or some distinct values of `values`: a filter that may be left out. */
const pick = <T>(values: readonly T[]) => fc.option(fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length }), { nil: undefined });
/** Arbitrary values of the per-completion filters the aggregates key, besides the run (each may be left out). */
const perCompletionFilters = () => ({
  expectedIntent: pick(INTENTS),
  predictedIntent: pick([...INTENTS, "pizza_order"]),
  intentVerdict: pick(["correct", "wrong", "format_error"] as const),
  policyVerdict: pick(VERDICTS),
  systemSuccess: fc.option(fc.boolean(), { nil: undefined }),
});
/** The filter of the parts given, those left out (undefined) dropped. */
const filterOf = (parts: Record<string, unknown>) => Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined)) as CompletionFilter;

/** The project's run ids to names, as the pages pass them to facetCounts. */
async function runNames(): Promise<Map<number, string>> {
  const { rows } = await db.pool.query<{ id: number; name: string }>("SELECT id, name FROM runs WHERE project_id = $1", [project.id]);
  return new Map(rows.map((row) => [row.id, row.name]));
}

function expectedKeys(filter: CompletionFilter): string[] {
  const wanted = new Set(expected.filter((row) => matches(row, filter)).map((row) => row.key));
  return order.filter((key) => wanted.has(key));
}

describe("completion filters", () => {
  const cases: [string, CompletionFilter][] = [
    ["no filter", {}],
    ["one run", { run: ["run-b"] }],
    ["two runs", { run: ["run-a", "run-c"] }],
    ["an unknown run", { run: ["no-such-run"] }],
    ["a known and an unknown run", { run: ["no-such-run", "run-a"] }],
    ["expected intent", { expectedIntent: ["get_refund"] }],
    ["two expected intents", { expectedIntent: ["get_refund", "cancel_order"] }],
    ["predicted intent", { predictedIntent: ["track_refund"] }],
    ["unknown predicted intent", { predictedIntent: ["pizza_order"] }],
    ["intent verdict", { intentVerdict: ["wrong"] }],
    ["format errors", { intentVerdict: ["format_error"] }],
    ["two intent verdicts", { intentVerdict: ["wrong", "format_error"] }],
    ["policy verdict", { policyVerdict: ["fail"] }],
    ["pending", { policyVerdict: ["pending"] }],
    ["text in a reply, case-insensitive", { q: "voucher" }],
    ["text in a user message", { q: "refund please" }],
    ["system and assistant messages are not searched", { q: "secretword" }],
    ["assistant messages are not searched", { q: "hiddenword" }],
    ["a match across two user messages is no match", { q: "nothing special\nfollow-up" }],
    ["text in the analysis", { q: "the customer wants" }],
    ["run and intent verdict", { run: ["run-a"], intentVerdict: ["wrong"] }],
    ["run and policy verdict", { run: ["run-c"], policyVerdict: ["pass"] }],
    ["everything at once", { run: ["run-a", "run-b"], expectedIntent: ["get_refund", "track_refund"], intentVerdict: ["correct", "wrong"], policyVerdict: ["pass", "pending"], q: "reply" }],
    ["disjoint: correct with a format-error verdict", { intentVerdict: ["correct"], predictedIntent: ["pizza_order"] }],
    ["system success", { systemSuccess: true }],
    ["no system success", { systemSuccess: false, run: ["run-a"] }],
    ["a tag", { tag: ["vip"] }],
    ["either of two tags", { tag: ["vip", "typo"] }],
    ["a tag with LIKE wildcards is taken literally", { tag: ["50%_odd tag"] }],
    ["an unknown tag", { tag: ["nope"] }],
    ["two runs disagree on intent", { run: ["run-a", "run-b"], agreement: "disagree", success: "intent" }],
    ["two runs disagree on the system (the default success)", { run: ["run-a", "run-c"], agreement: "disagree" }],
    ["all runs disagree on policy", { agreement: "disagree", success: "policy" }],
    ["paired cases of two runs", { run: ["run-b", "run-c"], agreement: "paired" }],
    ["both succeed on intent", { run: ["run-a", "run-b"], agreement: "allSucceed", success: "intent" }],
    ["both fail", { run: ["run-a", "run-b"], agreement: "allFail" }],
    ["only run-a succeeds on intent (a comparison's discordant pairs)", { run: ["run-a", "run-b"], agreement: "disagree", success: "intent", winner: ["run-a"] }],
    ["both succeed as a system", { run: ["run-b", "run-c"], agreement: "allSucceed" }],
    ["a comparison's intent bar: paired cases of two runs, one ground truth", { run: ["run-a", "run-b"], agreement: "paired", expectedIntent: ["get_refund"] }],
    ["only run-b passes policy, one ground truth", { run: ["run-a", "run-b"], agreement: "disagree", success: "policy", winner: ["run-b"], expectedIntent: ["get_refund"] }],
    ["two runs disagree, won by a third run", { run: ["run-a", "run-b"], agreement: "disagree", winner: ["run-c"] }],
    ["the winner alone: run-c's intent successes, all runs' completions", { winner: ["run-c"], success: "intent" }],
    ["an unknown winner", { winner: ["ghost"] }],
    ["agreement with a run that does not exist", { run: ["run-a", "ghost"], agreement: "paired" }],
    // Over every run alone, counted from case_outcome_counts: each agreement and each kind of success.
    ["every run paired", { agreement: "paired" }],
    ["every run disagrees on the system", { agreement: "disagree" }],
    ["every run disagrees on intent, the runs named", { run: [...RUNS], agreement: "disagree", success: "intent" }],
    ["every run passes policy", { agreement: "allSucceed", success: "policy" }],
    ["every run fails the system", { agreement: "allFail", success: "system" }],
    ["every run fails on intent", { agreement: "allFail", success: "intent" }],
    // Over one run: the case's only completion in it is the completion itself (counted as per-completion filters).
    ["one run paired: the run's completions", { run: ["run-a"], agreement: "paired" }],
    ["one run disagreeing with itself: nothing", { run: ["run-b"], agreement: "disagree", success: "intent" }],
    ["one run succeeding as a system", { run: ["run-c"], agreement: "allSucceed" }],
    ["one run succeeding as a system, asked for system failures: nothing", { run: ["run-c"], agreement: "allSucceed", systemSuccess: false }],
    ["one run failing on intent, wrong or correct asked: wrong", { run: ["run-a"], agreement: "allFail", success: "intent", intentVerdict: ["wrong", "correct"] }],
    ["one run passing policy, one ground truth", { run: ["run-b"], agreement: "allSucceed", success: "policy", expectedIntent: ["get_refund"] }],
    ["one run failing policy, pending asked", { run: ["run-b"], agreement: "allFail", success: "policy", policyVerdict: ["pending", "pass"] }],
    ["one run failing, won by another run", { run: ["run-a"], agreement: "allFail", winner: ["run-b"] }],
  ];
  it.each(cases)("%s", async (_name, filter) => {
    const want = expectedKeys(filter);
    expect(await all(filter)).toEqual(want);
    if (filter.q !== undefined) {
      // A search answers from a row-by-row scan of the first rows, or from the index when they do not settle it: both ways, and mixed.
      for (const searchScanRows of [0, 1, 5, 40]) for (const limit of [2, 500]) expect(await all(filter, { searchScanRows, limit })).toEqual(want);
    }
    expect(await countCompletions(db.pool, project.id, filter)).toBe(want.length); // the browse page's match count
    expect(await countCases(db.pool, project.id, filter)).toBe(new Set(want.map((key) => key.slice(0, key.lastIndexOf("/")))).size);
  });

  it("counts what a run comparison links to from run_pair_counts, not by grouping the completions", async () => {
    const comparisonLinks: CompletionFilter[] = [
      { run: ["run-a", "run-b"], agreement: "disagree", success: "intent", winner: ["run-a"] },
      { run: ["run-c", "run-a"], agreement: "allFail", success: "system" },
      { run: ["run-a", "run-b"], agreement: "paired", expectedIntent: ["get_refund"] },
      { run: ["run-a", "run-b"], agreement: "disagree", success: "policy", winner: ["run-b"], expectedIntent: ["get_refund"] },
    ];
    for (const filter of comparisonLinks) {
      const counted = await pairCount(db.pool, project.id, (await resolveCompletionFilter(db.pool, project.id, filter))!);
      const keys = expectedKeys(filter);
      expect(counted, JSON.stringify(filter)).toEqual({ completions: keys.length, cases: new Set(keys.map((key) => key.slice(0, key.lastIndexOf("/")))).size });
    }
    // Not of that form: a third run, a winner outside the two, another filter, three runs.
    for (const filter of [
      { run: ["run-a", "run-b"], agreement: "disagree", winner: ["run-c"] },
      { run: ["run-a", "run-b"], agreement: "disagree", tag: ["vip"] },
      { run: [...RUNS], agreement: "paired" },
      { run: ["run-a", "run-b"], winner: ["run-a"] },
    ] satisfies CompletionFilter[]) {
      expect(await pairCount(db.pool, project.id, (await resolveCompletionFilter(db.pool, project.id, filter))!), JSON.stringify(filter)).toBeNull();
    }
  });

  it("counts a winner alone (one run, no agreement) from the aggregates, with any per-completion filter", async () => {
    const filterArbitrary = fc
      .record({
        winner: fc.constantFrom(...RUNS),
        run: pick(RUNS),
        success: fc.constantFrom("system", "intent", "policy" as const),
        ...perCompletionFilters(),
      })
      .map(({ winner, ...rest }) => filterOf({ ...rest, winner: [winner] }));
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const keys = expectedKeys(filter);
        const counted = await winnerCount(db.pool, project.id, (await resolveCompletionFilter(db.pool, project.id, filter))!);
        expect(counted?.completions).toBe(keys.length);
        const cases = new Set(keys.map((key) => key.slice(0, key.lastIndexOf("/")))).size;
        if (counted!.cases !== null) expect(counted!.cases).toBe(cases);
        expect(await countCompletions(db.pool, project.id, filter)).toBe(keys.length);
        expect(await countCases(db.pool, project.id, filter)).toBe(cases);
      }),
      { numRuns: 80 },
    );
    // Two winners, or a winner with an agreement or a tag: not of that form.
    for (const filter of [{ winner: ["run-a", "run-b"] }, { winner: ["run-a"], agreement: "disagree" }, { winner: ["run-a"], tag: ["vip"] }] satisfies CompletionFilter[]) {
      expect(await winnerCount(db.pool, project.id, (await resolveCompletionFilter(db.pool, project.id, filter))!), JSON.stringify(filter)).toBeNull();
    }
    expect((await winnerCount(db.pool, project.id, (await resolveCompletionFilter(db.pool, project.id, { winner: ["run-b"], success: "intent" }))!))?.cases).toBeGreaterThan(0);
  });

  it("a few filters actually select something, and narrow", () => {
    expect(expectedKeys({ run: ["run-a", "run-b"], agreement: "disagree", success: "intent", winner: ["run-a"] }).length).toBeGreaterThan(2);
    expect(expectedKeys({ agreement: "allSucceed", success: "intent" }).length).toBeGreaterThan(0);
    for (const agreement of ["disagree", "allFail"] as const) expect(expectedKeys({ agreement, success: "system" }).length).toBeGreaterThan(0);
    expect(expectedKeys({ tag: ["typo"] }).length).toBeGreaterThan(0);
    expect(expectedKeys({ run: ["run-a"], intentVerdict: ["wrong"] }).length).toBeGreaterThan(0);
    expect(expectedKeys({ q: "voucher" }).length).toBeGreaterThan(0);
    expect(expectedKeys({ q: "secretword" })).toEqual([]);
    expect(expectedKeys({ q: "nothing special" }).length).toBeGreaterThan(0);
    expect(expectedKeys({}).length).toBe(order.length);
  });

  it("any combination of filters returns exactly the matching completions", async () => {
    const filterArbitrary = fc.record(
      {
        run: pick([...RUNS, "ghost"]),
        expectedIntent: pick(INTENTS),
        predictedIntent: pick([...INTENTS, "pizza_order"]),
        intentVerdict: pick(["correct", "wrong", "format_error"] as const),
        policyVerdict: pick(VERDICTS),
        q: fc.option(fc.constantFrom("reply", "run-b", "50%", "VOUCHER", "follow-up 1", "a_b"), { nil: undefined }),
        systemSuccess: fc.option(fc.boolean(), { nil: undefined }),
        tag: pick(["vip", "typo", "none"]),
        success: fc.option(fc.constantFrom("system", "intent", "policy" as const), { nil: undefined }),
        agreement: fc.option(fc.constantFrom("paired", "disagree", "allSucceed", "allFail" as const), { nil: undefined }),
        winner: pick([...RUNS, "ghost"]),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (raw) => {
        const filter = filterOf(raw);
        expect(await all(filter)).toEqual(expectedKeys(filter));
        if (filter.q !== undefined) expect(await all(filter, { searchScanRows: 3, limit: 4 })).toEqual(expectedKeys(filter));
        expect(await countCompletions(db.pool, project.id, filter)).toBe(expectedKeys(filter).length);
      }),
      { numRuns: 60 },
    );
  });
});

describe("text search escaping", () => {
  it.each([
    ["50%", ["I got 50% off"]],
    ["a_b", ["order a_b please"]],
    ["C:\\temp", ["path C:\\temp here"]],
    ["%", ["I got 50% off"]],
    ["\\", ["path C:\\temp here"]],
  ])("q=%s matches only the literal text", async (q, phrases) => {
    const keys = await all({ q });
    const cases = new Set(keys.map((key) => key.split("/")[0]));
    const phraseOf = (caseId: string) => PHRASES[Number(caseId.slice(5)) % PHRASES.length];
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set([...cases].map((caseId) => phraseOf(caseId!)))).toEqual(new Set(phrases));
    expect(keys).toEqual(expectedKeys({ q }));
  });
});

describe("pagination", () => {
  it.each([1, 2, 3, 7, 50])("visits every row exactly once with limit %i, both sorts", async (limit) => {
    for (const filter of [{}, { run: ["run-b"] }, { run: ["run-a"], intentVerdict: ["wrong" as const] }, { policyVerdict: ["fail" as const, "pending" as const] }]) {
      const want = expectedKeys(filter);
      const ascending = await all(filter, { limit });
      expect(new Set(ascending).size).toBe(ascending.length);
      expect(ascending).toEqual(want);
      expect(await all(filter, { limit, sort: "-id" })).toEqual([...want].reverse());
    }
  });

  it("the last full page has no next cursor only when nothing follows", async () => {
    const count = expectedKeys({ run: ["run-a"] }).length;
    const exact = await listCompletions(db.pool, project.id, completionListQuerySchema.parse({ run: "run-a", limit: String(count) }));
    expect(exact.items).toHaveLength(count);
    expect(exact.nextCursor).toBeNull();
    const short = await listCompletions(db.pool, project.id, completionListQuerySchema.parse({ run: "run-a", limit: String(count - 1) }));
    expect(short.nextCursor).not.toBeNull();
  });

  it("returns whole items with names, not ids", async () => {
    const page = await listCompletions(db.pool, project.id, completionListQuerySchema.parse({ intentVerdict: "format_error", limit: "1" }));
    const item = page.items[0]!;
    const row = expected.find((e) => e.key === keyOf(item))!;
    expect(item).toMatchObject({
      caseId: row.caseId,
      run: row.run,
      model: `model-${row.run}`,
      expectedIntent: row.expectedIntent,
      predictedIntent: null,
      intentVerdict: "format_error",
      policyVerdict: "fail",
      reply: null,
      text: row.text,
      reward: -1,
      unknownIntent: false,
    });
    expect(item.formatError).toEqual(expect.any(String));
  });
});

describe("facet counts", () => {
  const valueOf: Record<FacetId, (row: Expected) => string | null> = {
    run: (row) => row.run,
    expectedIntent: (row) => row.expectedIntent,
    predictedIntent: (row) => row.predictedIntent,
    intentVerdict: (row) => row.intentVerdict,
    policyVerdict: (row) => row.policyVerdict,
    systemSuccess: (row) => String(succeeds(row, "system")),
  };
  /** For each facet, the matching rows of every other filter, counted by the facet's value. */
  function expectedFacets(filter: CompletionFilter): Record<FacetId, Map<string, number>> {
    const result = {} as Record<FacetId, Map<string, number>>;
    for (const id of FACET_IDS) {
      const { [id]: _own, ...others } = filter;
      const counts = new Map<string, number>();
      for (const row of expected.filter((row) => matches(row, others))) {
        const value = valueOf[id](row);
        if (value !== null) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      result[id] = counts;
    }
    return result;
  }
  /** Arbitrary values of the per-completion filters completion_counts keys (each may be left out). */
  const aggregatedFilters = () => ({
    run: pick(RUNS),
    ...perCompletionFilters(),
  });
  const sorted = (counts: Map<string, number> | null) => (counts === null ? null : [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)));

  it.each<[string, CompletionFilter]>([
    ["no filter (every facet from the aggregates)", {}],
    ["runs and ground truth (aggregates)", { run: ["run-a", "run-c"], expectedIntent: ["get_refund"] }],
    ["one verdict", { run: ["run-b"], intentVerdict: ["wrong"] }],
    ["a confusion cell", { run: ["run-a"], expectedIntent: ["get_refund"], predictedIntent: ["track_refund"] }],
    ["two intent verdicts", { intentVerdict: ["correct", "format_error"] }],
    ["wrong only (predicted intents other than the ground truth)", { intentVerdict: ["wrong"], expectedIntent: ["get_refund", "cancel_order"] }],
    ["a policy verdict with ground truth", { policyVerdict: ["pass"], expectedIntent: ["get_refund"] }],
    ["system success alone", { systemSuccess: true }],
    ["two verdict filters (the wide aggregate counts them jointly)", { intentVerdict: ["correct"], policyVerdict: ["pass", "pending"] }],
    ["system success and policy", { systemSuccess: false, policyVerdict: ["fail", "pending"] }],
    ["case-level filters (a GROUP BY over the completions)", { run: ["run-a", "run-b"], agreement: "disagree", success: "intent", tag: ["vip", "typo"] }],
    ["tags with verdicts (the aggregate's tag key)", { tag: ["vip"], intentVerdict: ["wrong", "correct"], policyVerdict: ["pass"] }],
    ["text", { q: "reply from run-b" }],
    ["an unknown run", { run: ["ghost"] }],
  ])("%s", async (_name, filter) => {
    const got = await facetCounts(db.pool, project.id, filter, await runNames(), { timeLimitMs: 60_000 });
    const want = expectedFacets(filter);
    for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
  });

  it("any combination of the aggregates' filters (runs, intents, verdicts, system success, tags) counts every facet exactly", async () => {
    const names = await runNames();
    const filterArbitrary = fc.record(
      { ...aggregatedFilters(), tag: pick(["vip", "typo", "none", "50%_odd tag"]) },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (raw) => {
        const filter = filterOf(raw);
        const got = await facetCounts(db.pool, project.id, filter, names);
        const want = expectedFacets(filter);
        for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
      }),
      { numRuns: 60 },
    );
  });

  it("any filter of what a run comparison links to, with per-completion filters, counts and facets exactly from run_pair_counts", async () => {
    const names = await runNames();
    const filterArbitrary = fc
      .record({
        runs: fc.uniqueArray(fc.constantFrom(...RUNS), { minLength: 2, maxLength: 2 }),
        agreement: fc.constantFrom("paired", "disagree", "allSucceed", "allFail" as const),
        success: fc.constantFrom("system", "intent", "policy" as const),
        winner: fc.constantFrom("none", "first", "second", "both"),
        ...perCompletionFilters(),
      })
      .map(({ runs, winner, ...rest }): CompletionFilter => {
        const winners = { none: undefined, first: [runs[0]!], second: [runs[1]!], both: runs }[winner];
        return filterOf({ ...rest, run: runs, winner: winners });
      });
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const keys = expectedKeys(filter);
        expect(await pairCount(db.pool, project.id, (await resolveCompletionFilter(db.pool, project.id, filter))!)).not.toBeNull();
        expect(await countCompletions(db.pool, project.id, filter)).toBe(keys.length);
        expect(await countCases(db.pool, project.id, filter)).toBe(new Set(keys.map((key) => key.slice(0, key.lastIndexOf("/")))).size);
        const got = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 60_000 });
        const want = expectedFacets(filter);
        for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
      }),
      { numRuns: 60 },
    );
  });

  it("any filter of one run's winner alone, with per-completion filters, counts every facet exactly from the aggregates", async () => {
    const names = await runNames();
    const filterArbitrary = fc
      .record({ winner: fc.constantFrom(...RUNS), success: fc.constantFrom("system", "intent", "policy" as const), ...aggregatedFilters() })
      .map(({ winner, ...rest }) => filterOf({ ...rest, winner: [winner] }));
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        expect((await facetStages(db.pool, project.id, filter, names)).slow).toEqual([]);
        // No time for counting from the completions: every facet comes from the aggregates.
        const got = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 0 });
        const want = expectedFacets(filter);
        for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
      }),
      { numRuns: 60 },
    );
    // A tag with it is not of that form: counted from the completions.
    expect((await facetStages(db.pool, project.id, { winner: ["run-a"], tag: ["vip"] }, names)).slow.length).toBe(FACET_IDS.length);
  });

  it("any agreement over every run, with per-completion filters, counts and facets exactly from completion_outcome_counts", async () => {
    const names = await runNames();
    const filterArbitrary = fc
      .record({
        agreement: fc.constantFrom("paired", "disagree", "allSucceed", "allFail" as const),
        success: fc.constantFrom("system", "intent", "policy" as const),
        everyRunNamed: fc.boolean(),
        ...perCompletionFilters(),
      })
      .map(({ everyRunNamed, ...rest }) => filterOf({ ...rest, run: everyRunNamed ? [...RUNS] : undefined }));
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        expect(await outcomeCount(db.pool, project.id, matchingFilter((await resolveCompletionFilter(db.pool, project.id, filter))!))).not.toBeNull();
        expect(await countCompletions(db.pool, project.id, filter)).toBe(expectedKeys(filter).length);
        expect((await facetStages(db.pool, project.id, filter, names)).slow).toEqual([]);
        // No time for counting from the completions: every facet comes from the aggregates.
        const got = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 0 });
        const want = expectedFacets(filter);
        for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
      }),
      { numRuns: 60 },
    );
    // Over some of the runs, or with a tag: not of that form.
    for (const filter of [{ run: ["run-a", "run-b"], agreement: "disagree", intentVerdict: ["wrong"] }, { agreement: "disagree", tag: ["vip"] }] satisfies CompletionFilter[]) {
      expect(await outcomeCount(db.pool, project.id, matchingFilter((await resolveCompletionFilter(db.pool, project.id, filter))!)), JSON.stringify(filter)).toBeNull();
    }
  });

  it("any agreement over every run with one run's winner (a comparison's link without its run filter), maybe a ground truth: count, cases, run and ground-truth facets from the aggregates", async () => {
    const names = await runNames();
    const filterArbitrary = fc
      .record({
        agreement: fc.constantFrom("paired", "disagree", "allSucceed", "allFail" as const),
        success: fc.constantFrom("system", "intent", "policy" as const),
        winner: fc.constantFrom(...RUNS),
        everyRunNamed: fc.boolean(),
        expectedIntent: pick(INTENTS),
      })
      .map(({ everyRunNamed, winner, ...rest }) =>
        filterOf({ ...rest, winner: [winner], run: everyRunNamed ? [...RUNS] : undefined }),
      );
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const keys = expectedKeys(filter);
        expect(await agreementCount(db.pool, project.id, matchingFilter((await resolveCompletionFilter(db.pool, project.id, filter))!))).not.toBeNull();
        expect(await countCompletions(db.pool, project.id, filter)).toBe(keys.length);
        expect(await countCases(db.pool, project.id, filter)).toBe(new Set(keys.map((key) => key.slice(0, key.lastIndexOf("/")))).size);
        // No time for counting from the completions: the run and ground-truth facets come from the aggregates.
        const got = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 0 });
        const want = expectedFacets(filter);
        for (const id of ["run", "expectedIntent"] as const) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
      }),
      { numRuns: 60 },
    );
    // The run comparison's "only B wins" link: its run facet is of that form, the others of run_pair_counts' form.
    const onlyB: CompletionFilter = { run: ["run-a", "run-b"], agreement: "disagree", success: "system", winner: ["run-b"] };
    expect((await facetStages(db.pool, project.id, onlyB, names)).slow).toEqual([]);
    const got = await facetCounts(db.pool, project.id, onlyB, names, { timeLimitMs: 0 });
    for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(expectedFacets(onlyB)[id]) });
    // Two winners, or a per-completion filter beside the winner: not of that form.
    for (const filter of [{ agreement: "disagree", winner: ["run-a", "run-b"] }, { agreement: "disagree", winner: ["run-a"], intentVerdict: ["wrong"] }] satisfies CompletionFilter[]) {
      expect(await agreementCount(db.pool, project.id, matchingFilter((await resolveCompletionFilter(db.pool, project.id, filter))!)), JSON.stringify(filter)).toBeNull();
    }
  });

  it("any agreement over one run, with per-completion filters, counts and facets exactly from the aggregates (as filters on that run's completions)", async () => {
    const names = await runNames();
    const filterArbitrary = fc
      .record({
        run: fc.constantFrom(...RUNS),
        agreement: fc.constantFrom("paired", "disagree", "allSucceed", "allFail" as const),
        success: fc.constantFrom("system", "intent", "policy" as const),
        ...perCompletionFilters(),
      })
      .map(({ run, ...rest }) => filterOf({ ...rest, run: [run] }));
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const keys = expectedKeys(filter);
        const resolved = (await resolveCompletionFilter(db.pool, project.id, filter))!;
        expect(matchingFilter(resolved).agreement).toBeUndefined();
        // What the counts beside "across the runs" take from the aggregates (countChoices).
        expect(await aggregateCount(db.pool, project.id, resolved)).toBe(keys.length);
        expect(await countCompletions(db.pool, project.id, filter)).toBe(keys.length);
        expect(await countCases(db.pool, project.id, filter)).toBe(new Set(keys.map((key) => key.slice(0, key.lastIndexOf("/")))).size);
        expect((await facetStages(db.pool, project.id, filter, names)).slow).toEqual([]);
        // No time for counting from the completions: every facet comes from the aggregates.
        const got = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 0 });
        const want = expectedFacets(filter);
        for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
      }),
      { numRuns: 60 },
    );
  });

  it("leaves out the facets it must count from the completions when the time is up; the aggregates' facets stay", async () => {
    const names = await runNames();
    const filter: CompletionFilter = { agreement: "disagree", success: "intent", winner: ["run-a"], intentVerdict: ["wrong"], run: ["run-a", "run-b"] };
    const want = expectedFacets(filter);
    const exact = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 60_000 });
    for (const id of FACET_IDS) expect({ id, counts: sorted(exact[id]) }).toEqual({ id, counts: sorted(want[id]) });
    // The run facet drops the run filter, so its agreement is over all three runs with a winner: not in the aggregates.
    const { slow } = await facetStages(db.pool, project.id, filter, names);
    expect(slow.map((facet) => facet.id)).toContain("run");
    expect(slow.length).toBeLessThan(FACET_IDS.length);
    // With no time at all, those are left out; the others are exact.
    const none = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 0 });
    const left = new Set(slow.map((facet) => facet.id));
    for (const id of FACET_IDS) expect({ id, counts: sorted(none[id]) }).toEqual({ id, counts: left.has(id) ? null : sorted(want[id]) });
  });

  it("any filter with text search or a case-level filter the aggregates cannot answer counts every facet exactly", async () => {
    const names = await runNames();
    const filterArbitrary = fc
      .record(
        {
          q: fc.constantFrom("reply from run-b", "refund", "50%", "order a_b", "no such text anywhere"),
          agreement: fc.constantFrom("paired", "disagree", "allSucceed", "allFail" as const),
          success: fc.constantFrom("system", "intent", "policy" as const),
          winner: pick(RUNS),
          ...aggregatedFilters(),
          tag: pick(["vip", "typo", "none"]),
        },
        { requiredKeys: [] },
      )
      .map((raw) => filterOf(raw))
      // Only filters the aggregates cannot count: text, or a case-level filter over other than two runs, or one with a tag.
      .filter((filter) => filter.q !== undefined || ((filter.agreement !== undefined || filter.winner !== undefined) && (filter.run?.length !== 2 || filter.tag !== undefined)));
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const got = await facetCounts(db.pool, project.id, filter, names, { timeLimitMs: 60_000 });
        const want = expectedFacets(filter);
        for (const id of FACET_IDS) expect({ id, counts: sorted(got[id]) }).toEqual({ id, counts: sorted(want[id]) });
      }),
      { numRuns: 80 },
    );
  });

  it("counts beside the one-value filters: each value's count is the number of completions the filter matches with it chosen", async () => {
    const names = await runNames();
    const filterArbitrary = fc
      .record(
        {
          q: fc.constantFrom("reply from run-b", "refund"),
          agreement: fc.constantFrom("paired", "disagree", "allSucceed", "allFail" as const),
          success: fc.constantFrom("system", "intent", "policy" as const),
          winner: pick(RUNS),
          ...aggregatedFilters(),
          tag: pick(["vip", "typo"]),
        },
        { requiredKeys: [] },
      )
      .map((raw) => filterOf(raw));
    // Both ways of counting: the aggregates (no filter, two runs) and the pass over the completions (text, tags).
    const examples: [CompletionFilter][] = [[{}], [{ run: ["run-a", "run-b"], success: "intent" }], [{ q: "refund" }], [{ tag: ["vip"], agreement: "disagree" }]];
    await fc.assert(
      fc.asyncProperty(filterArbitrary, async (filter) => {
        const got = await countChoices(db.pool, project.id, filter, names, { timeLimitMs: 60_000 });
        const count = (chosen: CompletionFilter) => expectedKeys(chosen).length;
        expect(Object.fromEntries(got.agreement!)).toEqual(Object.fromEntries(AGREEMENT_VALUES.map((value) => [value, count({ ...filter, agreement: value })])));
        expect(Object.fromEntries(got.winner!)).toEqual(Object.fromEntries(RUNS.map((run) => [run, count({ ...filter, winner: [run] })])));
      }),
      { numRuns: 40, examples },
    );
    // No time at all: none counted.
    expect(await countChoices(db.pool, project.id, { q: "refund" }, names, { timeLimitMs: 0 })).toEqual({ agreement: null, winner: null });
  });

  it("the aggregates and the GROUP BY agree (a filter that forces the second for every facet)", async () => {
    const names = await runNames();
    // q matching every completion's text ("Reply from" is in every reply) takes the GROUP BY path.
    expect(expectedKeys({ q: "reply from" })).toEqual(order);
    const viaCompletions = await facetCounts(db.pool, project.id, { q: "reply from" }, names, { timeLimitMs: 60_000 });
    const viaAggregates = await facetCounts(db.pool, project.id, {}, names);
    for (const id of FACET_IDS) expect(sorted(viaCompletions[id])).toEqual(sorted(viaAggregates[id]));
  });
});

describe("one row per case", () => {
  async function allCases(filter: CompletionFilter, limit: number, sort: CompletionSort = "id") {
    const rows: CaseRow[] = [];
    let after: number | null = null;
    for (let page = 0; page < 1000; page++) {
      const result = await listCaseRows(db.pool, project.id, { filter, limit, sort, after }, RUNS);
      rows.push(...result.items);
      if (result.nextCursor === null) return rows;
      expect(result.items).toHaveLength(limit);
      const key = decodeCursor(result.nextCursor, caseCursorSchema);
      expect(key?.[1]).toBe(sort);
      after = key![2];
    }
    throw new Error("pagination did not end");
  }

  it.each<[string, CompletionFilter]>([
    ["no filter", {}],
    ["run-b wrong", { run: ["run-b"], intentVerdict: ["wrong"] }],
    ["only run-a succeeds on intent", { run: ["run-a", "run-b"], agreement: "disagree", success: "intent", winner: ["run-a"] }],
    ["a tag", { tag: ["typo"] }],
    ["one run's policy passes with a tag (counted from the aggregates)", { run: ["run-a"], policyVerdict: ["pass"], tag: ["vip", "typo"] }],
  ])("%s: each matching case once, in order, with every run's verdicts and which matched", async (_name, filter) => {
    const matching = expected.filter((row) => matches(row, filter));
    const wantCases = [...new Set(matching.map((row) => row.caseId))].sort();
    expect(await countCases(db.pool, project.id, filter)).toBe(wantCases.length);
    for (const limit of [1, 4, 50]) {
      const got = await allCases(filter, limit);
      expect(got.map((row) => row.caseId)).toEqual(wantCases);
      expect((await allCases(filter, limit, "-id")).map((row) => row.caseId)).toEqual([...wantCases].reverse());
      for (const row of got) {
        const answered = expected.filter((e) => e.caseId === row.caseId);
        expect(Object.keys(row.verdicts).sort()).toEqual(answered.map((e) => e.run).sort());
        for (const e of answered) {
          expect(row.verdicts[e.run]).toMatchObject({ intentVerdict: e.intentVerdict, policyVerdict: e.policyVerdict, predictedIntent: e.predictedIntent, matched: matching.includes(e) });
        }
        expect(row.message).toBe(e0(row.caseId).userText[0]);
        expect(row.tags).toEqual(e0(row.caseId).tags);
      }
    }
  });

  const e0 = (caseId: string) => expected.find((e) => e.caseId === caseId)!;
});

describe("the table's match count within a time limit", () => {
  it("is exact when the count comes in time, and a lower bound, said to be one, when it does not", async () => {
    const filter: CompletionFilter = { q: "reply from run-b", run: ["run-b"] };
    const want = expectedKeys(filter).length;
    expect(want).toBeGreaterThan(0);
    expect(await matchCountWithin(db.pool, project.id, filter, "completion", (client) => countCompletions(client, project.id, filter))).toEqual({ n: want, exact: true });
    // A count that cannot finish in 300 ms: the matches among the first 100,000 rows (all of them here), flagged as a lower bound.
    const slow = (client: { query: (sql: string) => Promise<unknown> }) => client.query("SELECT pg_sleep(5)").then(() => -1);
    expect(await matchCountWithin(db.pool, project.id, filter, "completion", slow, 300)).toEqual({ n: want, exact: false });
    const cases = new Set(expected.filter((row) => matches(row, { tag: ["vip"] })).map((row) => row.caseId)).size;
    expect(await matchCountWithin(db.pool, project.id, { tag: ["vip"] }, "case", slow, 300)).toEqual({ n: cases, exact: false });
    // The connection goes back to the pool without the limit.
    const { rows } = await db.pool.query<{ statement_timeout: string }>("SHOW statement_timeout");
    expect(rows[0]!.statement_timeout).toBe("0");
  });

  it("the exact count sent after the page: the count itself when it finishes in time, null when it does not", async () => {
    const filter: CompletionFilter = { q: "reply from run-b", run: ["run-b"] };
    const want = expectedKeys(filter).length;
    // Slower than the page waits (300 ms above), within the later count's own time.
    const slowExact = (client: pg.ClientBase) => client.query("SELECT pg_sleep(0.5)").then(() => countCompletions(client, project.id, filter));
    expect(await exactCountLater(db.pool, slowExact, 10_000)).toBe(want);
    const never = (client: pg.ClientBase) => client.query("SELECT pg_sleep(5)").then(() => -1);
    expect(await exactCountLater(db.pool, never, 300)).toBeNull();
  });
});
