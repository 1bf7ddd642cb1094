/**
 * The trigger-maintained aggregates (completion_counts, run_pair_counts,
 * run_intent_stats, run_confusion, case_outcomes, case_outcome_counts,
 * completion_outcome_counts) against GROUP BYs over the base tables,
 * written here independently of the triggers (tags read from `cases`, pairs by
 * a self-join), after random sequences of what changes completions: ingested
 * batches (new cases and completions, replaced texts, changed tags and ground
 * truths), ground truths corrected with the texts kept (the grader's
 * re-grade), policy verdicts and intent verdicts set in bulk, single completions and whole cases
 * deleted, several statements in one transaction, and a rollback.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { withTransaction } from "../../lib/db/pool";
import { regradeCases } from "../../lib/ingest/regrade";
import { storeRecords } from "../../lib/ingest/store";
import { leaderboard, leaderboardFromCompletions } from "../../lib/metrics/queries";
import { recordSchema, type RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const INTENTS = ["get_refund", "track_refund", "cancel_order"];
const RUNS = ["a", "b", "c"];
type Outcome = "ok" | "wrong" | "unknown" | "format" | "ok-fail" | "pending";

function completion(run: string, expected: string, outcome: Outcome) {
  const other = expected === "get_refund" ? "track_refund" : "get_refund";
  const text =
    outcome === "format" ? `<intent>${expected}</intent> reply without analysis`
    : outcome === "unknown" ? completionText("not_an_intent")
    : completionText(outcome === "wrong" ? other : expected, `reply ${outcome}`);
  const policy = outcome === "pending" ? {} : { policy: { verdict: outcome === "ok-fail" ? ("fail" as const) : ("pass" as const), judge: "test" } };
  return { run, model: `m-${run}`, text, ...policy };
}

const outcome = fc.constantFrom<Outcome>("ok", "wrong", "unknown", "format", "ok-fail", "pending");
const change = fc.oneof(
  fc.record({
    kind: fc.constant("ingest" as const),
    cases: fc.array(
      fc.record({
        no: fc.integer({ min: 0, max: 6 }),
        intent: fc.constantFrom(...INTENTS),
        tags: fc.subarray(["typo", "vip", "multi-turn"]),
        runs: fc.record({ a: fc.option(outcome, { nil: undefined }), b: fc.option(outcome, { nil: undefined }), c: fc.option(outcome, { nil: undefined }) }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  }),
  fc.record({ kind: fc.constant("verdicts" as const), run: fc.constantFrom(...RUNS), verdict: fc.constantFrom("pass", "fail", "pending"), everyOther: fc.boolean() }),
  fc.record({ kind: fc.constant("intentVerdicts" as const), run: fc.constantFrom(...RUNS), verdict: fc.constantFrom("correct", "wrong", "format_error"), everyOther: fc.boolean() }),
  fc.record({ kind: fc.constant("deleteCompletion" as const), no: fc.integer({ min: 0, max: 6 }), run: fc.constantFrom(...RUNS) }),
  fc.record({ kind: fc.constant("deleteCase" as const), no: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant("correctTruth" as const), no: fc.integer({ min: 0, max: 6 }), intent: fc.constantFrom(...INTENTS) }),
  fc.record({ kind: fc.constant("retagInTransaction" as const), no: fc.integer({ min: 0, max: 6 }), tags: fc.subarray(["typo", "vip"]), rollback: fc.boolean() }),
);

function records(cases: { no: number; intent: string; tags: string[]; runs: Record<string, Outcome | undefined> }[]): RecordInput[] {
  const seen = new Set<number>();
  return cases
    .filter((c) => !seen.has(c.no) && seen.add(c.no))
    .map((c) => ({
      case: { id: `c${c.no}`, messages: [{ role: "user" as const, content: `case ${c.no}` }], expectedIntent: c.intent, tags: c.tags },
      completions: Object.entries(c.runs).filter(([, o]) => o !== undefined).map(([run, o]) => completion(run, c.intent, o!)),
    }));
}

type Step = typeof change extends fc.Arbitrary<infer T> ? T : never;

async function apply(projectId: number, project: Awaited<ReturnType<typeof freshProject>>, step: Step): Promise<void> {
  switch (step.kind) {
    case "ingest":
      await withTransaction((client) => storeRecords(client, project, records(step.cases).map((r) => recordSchema.parse(r))));
      return;
    case "verdicts":
      // As a judge would: the current verdict of many completions at once (every other one, or all),
      // judged against a new guideline version, so that rows whose verdict stays are updated too.
      await db.pool.query(
        `UPDATE completions c SET policy_verdict = $3::policy_verdict, policy_guideline_version = coalesce(c.policy_guideline_version, 0) + 1 FROM runs r
          WHERE c.project_id = $1 AND r.project_id = c.project_id AND r.id = c.run_id AND r.name = $2 AND ($4 OR c.id % 2 = 0)`,
        [projectId, step.run, step.verdict, !step.everyOther],
      );
      return;
    case "intentVerdicts":
      // Intent verdicts moved with the predictions kept (no writer of the product does this alone, but an update may):
      // to and from a format error, whose prediction some aggregates count as none. Only completions with a
      // prediction: one without is a format error or an unknown intent, and stays so.
      await db.pool.query(
        `UPDATE completions c SET intent_verdict = $3::intent_verdict FROM runs r
          WHERE c.project_id = $1 AND r.project_id = c.project_id AND r.id = c.run_id AND r.name = $2 AND ($4 OR c.id % 2 = 1)
            AND c.predicted_intent IS NOT NULL`,
        [projectId, step.run, step.verdict, !step.everyOther],
      );
      return;
    case "deleteCompletion":
      await db.pool.query(
        `DELETE FROM completions c USING cases k, runs r
          WHERE c.project_id = $1 AND k.project_id = c.project_id AND k.id = c.case_id AND k.external_id = $2 AND r.id = c.run_id AND r.name = $3`,
        [projectId, `c${step.no}`, step.run],
      );
      return;
    case "deleteCase":
      await db.pool.query("DELETE FROM cases WHERE project_id = $1 AND external_id = $2", [projectId, `c${step.no}`]);
      return;
    case "correctTruth": {
      // A corrected ground truth with the texts kept: the intent verdicts move, the predictions stay.
      await withTransaction(async (client) => {
        const { rows: found } = await client.query<{ id: string }>(
          "UPDATE cases SET expected_intent = $3 WHERE project_id = $1 AND external_id = $2 RETURNING id",
          [projectId, `c${step.no}`, step.intent],
        );
        await regradeCases(client, project, found.map((row) => Number(row.id)));
      });
      return;
    }
    case "retagInTransaction": {
      // Tags changed, a completion's verdict changed and another case's tags changed back, in one transaction.
      const client = await db.pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("UPDATE cases SET tags = $3 WHERE project_id = $1 AND external_id = $2", [projectId, `c${step.no}`, step.tags]);
        await client.query("UPDATE completions SET policy_verdict = 'fail' WHERE project_id = $1 AND id = (SELECT min(id) FROM completions WHERE project_id = $1)", [projectId]);
        await client.query("UPDATE cases SET tags = '{}' WHERE project_id = $1 AND external_id = $2", [projectId, `c${(step.no + 1) % 7}`]);
        await client.query(step.rollback ? "ROLLBACK" : "COMMIT");
      } finally {
        client.release();
      }
    }
  }
}

const PREDICTED = (alias: string) => `CASE WHEN ${alias}.intent_verdict = 'format_error' THEN '' ELSE ${alias}.predicted_intent END`;

async function rows(sql: string, projectId: number): Promise<unknown[]> {
  return (await db.pool.query(sql, [projectId])).rows;
}

async function expectExact(projectId: number): Promise<void> {
  expect(await rows(
    `SELECT run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, n::int FROM completion_counts WHERE project_id = $1 AND n <> 0 ORDER BY 1, 2, 3, 4, 5, 6`,
    projectId,
  )).toEqual(await rows(
    `SELECT c.run_id, c.expected_intent, ${PREDICTED("c")} AS predicted, c.intent_verdict, c.policy_verdict, coalesce(k.tags, '{}') AS tags, count(*)::int AS n
       FROM completions c JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id
      WHERE c.project_id = $1 GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
    projectId,
  ));
  expect(await rows(
    `SELECT run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b, n::int FROM run_pair_counts
      WHERE project_id = $1 AND n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
    projectId,
  )).toEqual(await rows(
    `SELECT a.run_id AS run_a, b.run_id AS run_b, a.expected_intent, ${PREDICTED("a")} AS predicted_a, a.intent_verdict AS intent_a, a.policy_verdict AS policy_a,
            ${PREDICTED("b")} AS predicted_b, b.intent_verdict AS intent_b, b.policy_verdict AS policy_b, count(*)::int AS n
       FROM completions a JOIN completions b ON b.project_id = a.project_id AND b.case_id = a.case_id AND b.run_id > a.run_id
      WHERE a.project_id = $1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
    projectId,
  ));
  expect(await rows(`SELECT run_id, expected_intent, predicted, n::int FROM run_confusion WHERE project_id = $1 AND n <> 0 ORDER BY 1, 2, 3`, projectId)).toEqual(
    await rows(`SELECT run_id, expected_intent, ${PREDICTED("c")} AS predicted, count(*)::int AS n FROM completions c WHERE project_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, projectId),
  );
  expect(await leaderboard(db.pool, projectId)).toEqual(await leaderboardFromCompletions(db.pool, projectId));
  const ranking = `SELECT case_id, count(*)::int AS runs,
        least(count(*) FILTER (WHERE intent_verdict = 'correct'), count(*) FILTER (WHERE intent_verdict <> 'correct'))::int AS intent_split,
        least(count(*) FILTER (WHERE policy_verdict = 'pass'), count(*) FILTER (WHERE policy_verdict = 'fail'))::int AS policy_split,
        count(DISTINCT coalesce(predicted_intent, ''))::int AS predicted_kinds,
        count(*) FILTER (WHERE intent_verdict = 'correct')::int AS intent_correct,
        count(*) FILTER (WHERE policy_verdict = 'pass')::int AS policy_pass,
        count(*) FILTER (WHERE intent_verdict = 'correct' AND policy_verdict = 'pass')::int AS system_success
      FROM completions WHERE project_id = $1 GROUP BY case_id`;
  const outcome = "runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success";
  expect(await rows(`SELECT case_id, ${outcome} FROM case_outcomes WHERE project_id = $1 AND runs > 0 ORDER BY 1`, projectId)).toEqual(
    await rows(`${ranking} ORDER BY 1`, projectId),
  );
  // What a verdict change adds to without a recount.
  expect(await rows(`SELECT case_id, policy_fail FROM case_outcomes WHERE project_id = $1 AND runs > 0 ORDER BY 1`, projectId)).toEqual(
    await rows(`SELECT case_id, count(*) FILTER (WHERE policy_verdict = 'fail')::int AS policy_fail FROM completions WHERE project_id = $1 GROUP BY 1 ORDER BY 1`, projectId),
  );
  expect(await rows(`SELECT ${outcome}, n::int FROM case_outcome_counts WHERE project_id = $1 AND n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7`, projectId)).toEqual(
    await rows(`SELECT ${outcome}, count(*)::int AS n FROM (${ranking}) r GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7`, projectId),
  );
  // Completions by their own keys and their case's outcome, the case's outcome counted here from its completions.
  const keyed = "runs, run_id, expected_intent, predicted, intent_verdict, policy_verdict, intent_correct, policy_pass, system_success";
  expect(await rows(`SELECT ${keyed}, n::int FROM completion_outcome_counts WHERE project_id = $1 AND n <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`, projectId)).toEqual(
    await rows(
      `SELECT r.runs, c.run_id, c.expected_intent, coalesce(c.predicted_intent, '') AS predicted, c.intent_verdict, c.policy_verdict, r.intent_correct, r.policy_pass, r.system_success, count(*)::int AS n
         FROM completions c JOIN (${ranking}) r ON r.case_id = c.case_id
        WHERE c.project_id = $1
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
      projectId,
    ),
  );
  // No aggregate row is negative (a subtraction applied twice would show here even where sums cancel).
  expect(
    await rows(
      "SELECT 1 FROM completion_counts WHERE project_id = $1 AND n < 0 UNION ALL SELECT 1 FROM run_pair_counts WHERE project_id = $1 AND n < 0 UNION ALL SELECT 1 FROM completion_outcome_counts WHERE project_id = $1 AND n < 0",
      projectId,
    ),
  ).toEqual([]);
}

describe("the aggregates stay exact", () => {
  it("after any sequence of ingests, re-grades, re-tags, verdict changes and deletions", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 8 }), async (steps) => {
        const project = await freshProject(TWO_INTENTS);
        for (const step of steps) await apply(project.id, project, step);
        await expectExact(project.id);
      }),
      { numRuns: 40 },
    );
  }, 120_000);

  /** Twelve cases each answered by runs a and b, both pending. */
  async function twoRunProject() {
    const project = await freshProject(TWO_INTENTS);
    const cases = Array.from({ length: 12 }, (_, no) => ({ no, intent: "get_refund", tags: [], runs: { a: "pending" as const, b: "pending" as const } }));
    await withTransaction((client) => storeRecords(client, project, records(cases).map((r) => recordSchema.parse(r))));
    return project;
  }
  /** An UPDATE of run `run`'s completions (`set`: its SET list). */
  const updateRun = (run: string, set: string) =>
    `UPDATE completions c SET ${set} FROM runs r WHERE c.project_id = $1 AND r.project_id = c.project_id AND r.id = c.run_id AND r.name = '${run}'`;
  /** Runs `first` in an open transaction, then `second` in another, which must wait on a lock until the first commits. */
  async function secondWaitsForFirst(projectId: number, first: string, second: string): Promise<void> {
    const one = await db.pool.connect();
    const two = await db.pool.connect();
    try {
      await one.query("BEGIN");
      await one.query(first, [projectId]);
      await two.query("BEGIN");
      const { rows: me } = await two.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      const moving = two.query(second, [projectId]);
      // The second writer's trigger reaches the cases the first holds, and waits there.
      await expect.poll(async () => (await db.pool.query<{ waiting: boolean }>("SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1", [me[0]!.pid])).rows[0]?.waiting, { timeout: 20_000 }).toBe(true);
      await one.query("COMMIT");
      await moving;
      await two.query("COMMIT");
    } finally {
      one.release();
      two.release();
    }
  }

  it("when two transactions move verdicts of the same cases at once: the second waits for the first and adds to what it committed", async () => {
    const project = await twoRunProject();
    await secondWaitsForFirst(project.id, updateRun("a", "policy_verdict = 'pass', policy_guideline_version = 1"), updateRun("b", "policy_verdict = 'fail', policy_guideline_version = 1"));
    // Every case: one pass (run a) and one fail (run b), which a writer reading the cases before the other committed would have lost.
    const { rows: split } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM case_outcomes WHERE project_id = $1 AND policy_pass = 1 AND policy_fail = 1 AND policy_split = 1", [project.id]);
    expect(split[0]!.n).toBe(12);
    await expectExact(project.id);
  });

  it("when one transaction moves completions' ground truth alone and another the verdicts of the same cases: the second waits and counts what the first committed", async () => {
    const project = await twoRunProject();
    // No verdict moves in the first, so case_outcomes' trigger takes no lock for it: case_keys_lock_update locks its cases.
    await secondWaitsForFirst(project.id, updateRun("a", "expected_intent = 'cancel_order'"), updateRun("b", "policy_verdict = 'pass', policy_guideline_version = 1"));
    await expectExact(project.id);
  });

  it("when one statement inserts several runs' completions of one case (a pair within the new rows)", async () => {
    const project = await freshProject(TWO_INTENTS);
    const three = records([{ no: 1, intent: "get_refund", tags: ["vip"], runs: { a: "ok", b: "wrong", c: "format" } }]);
    await withTransaction((client) => storeRecords(client, project, three.map((r) => recordSchema.parse(r))));
    // Three runs on one case: the pairs (a,b), (a,c), (b,c), once each.
    const { rows: pairs } = await db.pool.query<{ n: string }>("SELECT sum(n) AS n FROM run_pair_counts WHERE project_id = $1", [project.id]);
    expect(Number(pairs[0]!.n)).toBe(3);
    // The most tags a case may carry, each as long as allowed: its tag array is counted under a short key.
    const long = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(2, "0")}${"t".repeat(98)}`);
    const tagged = records([{ no: 2, intent: "cancel_order", tags: long, runs: { a: "ok", b: "ok" } }]);
    await withTransaction((client) => storeRecords(client, project, tagged.map((r) => recordSchema.parse(r))));
    await expectExact(project.id);
  });
});
