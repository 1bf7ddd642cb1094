/**
 * Text search (the completion filter `q`) against real PostgreSQL, on a small
 * dataset whose matches were worked out by hand: what matches and what does
 * not (case, accents, LIKE wildcards, customer text against reply, system and
 * assistant messages, words across a line break), the same answers whether the
 * search indexer has run or not, and rows stored or changed after it ran are
 * found at once, and no longer found by their old text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countCompletions, listCompletions } from "../../lib/query/completions";
import type { ProjectContext } from "../../lib/projects";
import { catchUpSearchIndex, searchBacklogSize } from "../../lib/search/indexer";
import { searchIndexComplete } from "../../lib/search/match";
import { facetCounts } from "../../lib/query/facets";
import { completionListQuerySchema } from "../../lib/validations/filters";
import type { RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

function record(id: string, messages: { role: "user" | "system" | "assistant"; content: string }[], replies: Record<string, string>): RecordInput {
  return {
    case: { id, messages, expectedIntent: "get_refund", tags: [], metadata: {} },
    completions: Object.entries(replies).map(([run, reply]) => ({ run, model: `model-${run}`, text: completionText("get_refund", reply) })),
  };
}

const S1 = record(
  "s-1",
  [
    { role: "system", content: "internal cafe note" },
    { role: "assistant", content: "an earlier reply ZEBRA" },
    { role: "user", content: "My Café order #A-100 never arrived" },
  ],
  { a: "Sorry about order A-100.", b: "I can refund 50% now." },
);
const S2 = record("s-2", [{ role: "user", content: "refund_policy question" }, { role: "user", content: "second line" }], { a: "Use the REFUND form." });
const S3 = record("s-3", [{ role: "user", content: "I got 50 off, refund policy please" }], { a: "Noted.", b: "Thanks." });

/** Search text -> the completions (case/run) it must find, worked out from the records above. */
const EXPECTED: [string, string[]][] = [
  ["café", ["s-1/a", "s-1/b"]], // customer text, both runs of the case
  ["cafe", []], // accents are not folded; the system message that has it is not searched
  ["ORDER #a-100", ["s-1/a", "s-1/b"]], // case-insensitive
  ["order a-100", ["s-1/a"]], // the reply of run a
  ["zebra", []], // assistant messages are not the customer's
  ["never arrived", ["s-1/a", "s-1/b"]], // several words: one substring
  ["arrived never", []],
  ["50%", ["s-1/b"]], // % is literal: "50 off" does not match
  ["d_p", ["s-2/a"]], // _ is literal: "refund policy" does not match
  ["policy", ["s-2/a", "s-3/a", "s-3/b"]], // customer text only
  ["can refund", ["s-1/b"]], // a reply only
  ["refund", ["s-1/a", "s-1/b", "s-2/a", "s-3/a", "s-3/b"]], // every completion's intent tag is get_refund
  ["REFUND form", ["s-2/a"]],
  ["wants something", ["s-1/a", "s-1/b", "s-2/a", "s-3/a", "s-3/b"]], // the analysis is part of the completion
  ["question\nsecond", []], // two messages joined are not one text
  ["xylophone", []],
];

async function found(project: ProjectContext, q: string): Promise<string[]> {
  const page = await listCompletions(db.pool, project.id, { filter: { q }, limit: 500, sort: "id", after: null });
  return page.items.map((item) => `${item.caseId}/${item.run}`).sort();
}

/** The indexer, run to the end (another test file's pass may hold the lock for a moment). */
async function indexAll(): Promise<void> {
  for (;;) {
    const pass = await catchUpSearchIndex();
    if (pass.ran && pass.pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function expectMatches(project: ProjectContext, q: string, expected: string[]): Promise<void> {
  expect(await found(project, q), JSON.stringify(q)).toEqual([...expected].sort());
  expect(await countCompletions(db.pool, project.id, { q }), JSON.stringify(q)).toBe(expected.length);
}

describe("text search", () => {
  let project: ProjectContext;
  beforeAll(async () => {
    project = await freshProject(TWO_INTENTS, "search");
    await ingest(project, [S1, S2, S3]);
  });

  it("finds exactly the expected completions before the indexer has run (read directly)", async () => {
    expect(await searchBacklogSize(db.pool, project.id)).toBeGreaterThanOrEqual(5);
    // Counts read the backlog too (the two-branch form).
    expect(await searchIndexComplete(db.pool, project.id)).toBe(false);
    for (const [q, expected] of EXPECTED) await expectMatches(project, q, expected);
  });

  it("finds the same completions from the index once the indexer has run", async () => {
    await indexAll();
    expect(await searchBacklogSize(db.pool, project.id)).toBe(0);
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM completion_search WHERE project_id = $1", [project.id]);
    expect(rows[0]!.n).toBe(5);
    // Counts read completion_search alone (the semi-join a parallel hash join can run).
    expect(await searchIndexComplete(db.pool, project.id)).toBe(true);
    for (const [q, expected] of EXPECTED) await expectMatches(project, q, expected);
    // So does the facets' pass: the run facet counts each run's matches.
    const { rows: runs } = await db.pool.query<{ id: number; name: string }>("SELECT id, name FROM runs WHERE project_id = $1", [project.id]);
    const names = new Map(runs.map((run) => [run.id, run.name]));
    for (const [q, expected] of EXPECTED) {
      const perRun = new Map<string, number>();
      for (const key of expected) perRun.set(key.split("/")[1]!, (perRun.get(key.split("/")[1]!) ?? 0) + 1);
      const { run } = await facetCounts(db.pool, project.id, { q }, names, { timeLimitMs: 60_000 });
      expect([...run!].sort(), JSON.stringify(q)).toEqual([...perRun].sort());
    }
  });

  it("finds rows stored after the indexer ran at once, and not changed rows by their old text", async () => {
    await indexAll();
    await ingest(project, [
      record("s-4", [{ role: "user", content: "late arrival xylophone" }], { a: "Ok." }),
      // s-1: run a's reply replaced; s-2: the customer's messages changed.
      { ...S1, completions: [{ ...S1.completions![0]!, text: completionText("get_refund", "Replaced by banana.") }, S1.completions![1]!] },
      { ...S2, case: { ...S2.case, messages: [{ role: "user", content: "now about a kiwi" }] } },
    ]);
    const after: [string, string[]][] = [
      ["xylophone", ["s-4/a"]],
      ["banana", ["s-1/a"]],
      ["order a-100", []], // s-1/a's old reply: its stale document must not match
      ["café", ["s-1/a", "s-1/b"]],
      ["kiwi", ["s-2/a"]],
      ["d_p", []], // s-2's old customer text
      ["policy", ["s-3/a", "s-3/b"]], // no longer s-2's
      ["REFUND form", ["s-2/a"]], // s-2/a's reply is unchanged
    ];
    for (const [q, expected] of after) await expectMatches(project, q, expected);
    await indexAll();
    for (const [q, expected] of after) await expectMatches(project, q, expected);
  });

  it("combines with the other filters and pages in id order", async () => {
    await indexAll();
    const visited: string[] = [];
    let cursor: string | undefined;
    do {
      const query = completionListQuerySchema.parse({ q: "wants something", limit: "2", ...(cursor ? { cursor } : {}) });
      const page = await listCompletions(db.pool, project.id, query);
      visited.push(...page.items.map((item) => `${item.caseId}/${item.run}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(visited).toEqual(["s-1/a", "s-1/b", "s-2/a", "s-3/a", "s-3/b", "s-4/a"]);
    expect(await countCompletions(db.pool, project.id, { q: "wants something", run: ["b"] })).toBe(2);
    expect(await countCompletions(db.pool, project.id, { q: "can refund", run: ["a"] })).toBe(0);
  });
});
