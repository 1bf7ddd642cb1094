/**
 * A btree index entry holds at most 2,704 bytes. Every text column that is in
 * an index must have a bound that keeps its entries under that, whatever the
 * input: a length limit in the schema that accepts it, or a value the app
 * makes itself. The catalog is read from the real database, so an index added
 * later on a text column fails here until its bound is written down below.
 * (A GIN trigram index holds trigrams, not values: no such bound applies.)
 */
import { afterAll, describe, expect, it } from "vitest";
import { STORED_PREDICTED_INTENT_MAX } from "../../lib/ingest/regrade";
import { projectNameSchema } from "../../lib/validations/project";
import { caseSchema, completionSchema, runNameSchema } from "../../lib/validations/record";
import { intentIdSchema } from "../../lib/validations/taxonomy";
import { useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

/** Longest value (UTF-16 code units) each indexed text column can hold, and why. `null`: nothing writes it yet. */
const BOUNDS: Record<string, { units: number | null; why: string }> = {
  "projects.name": { units: 100, why: "projectNameSchema" },
  "users.email": { units: null, why: "no writer yet: sign-in must limit it when it adds one" },
  "api_keys.prefix": { units: 12, why: "generated: 12 characters" },
  "intents.id": { units: 100, why: "intentIdSchema" },
  "policy_guidelines.intent_id": { units: 100, why: "intentIdSchema" },
  "cases.external_id": { units: 200, why: "caseSchema.id" },
  "cases.expected_intent": { units: 100, why: "intentIdSchema" },
  "runs.name": { units: 200, why: "runNameSchema" },
  "completions.expected_intent": { units: 100, why: "intentIdSchema" },
  "completions.predicted_intent": { units: STORED_PREDICTED_INTENT_MAX, why: "model output, stored cut (lib/ingest/regrade.ts)" },
  "judges.name": { units: null, why: "no writer yet: the judge issue must limit it" },
  "judge_cache.key": { units: 64, why: "SHA-256 in hex" },
  "failure_sets.name": { units: null, why: "no writer yet: failure sets must limit it" },
  "audit_log.object_type": { units: null, why: "no writer yet" },
  "audit_log.object_id": { units: null, why: "no writer yet" },
  "run_intent_stats.expected_intent": { units: 100, why: "copied from completions by triggers" },
  "run_confusion.expected_intent": { units: 100, why: "copied from completions by triggers" },
  "run_confusion.predicted": { units: STORED_PREDICTED_INTENT_MAX, why: "copied from completions.predicted_intent by triggers" },
  "completion_counts.expected_intent": { units: 100, why: "copied from completions by triggers" },
  "completion_counts.predicted": { units: STORED_PREDICTED_INTENT_MAX, why: "copied from completions.predicted_intent by triggers" },
  "completion_counts.tags_key": { units: 32, why: "md5 of the tag array, in hex" },
  "run_pair_counts.expected_intent": { units: 100, why: "copied from completions by triggers" },
  "run_pair_counts.predicted_a": { units: STORED_PREDICTED_INTENT_MAX, why: "copied from completions.predicted_intent by triggers" },
  "run_pair_counts.predicted_b": { units: STORED_PREDICTED_INTENT_MAX, why: "copied from completions.predicted_intent by triggers" },
};

const BTREE_MAX_ENTRY = 2704;
/** UTF-8 bytes per UTF-16 unit at most (a surrogate pair is 2 units and 4 bytes). */
const BYTES_PER_UNIT = 3;

describe("indexed text columns", () => {
  it("each has a bound, and every index's widest entry fits a btree page", async () => {
    const { rows } = await db.pool.query<{ index: string; table: string; column: string; type: string }>(
      `SELECT i.relname AS index, t.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (x.indkey)
         JOIN pg_am am ON am.oid = i.relam
        WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations' AND am.amname = 'btree'
        ORDER BY 1, 3`,
    );
    expect(rows.length).toBeGreaterThan(20);
    const textColumns = rows.filter((row) => /^(text|character varying|character)/.test(row.type));
    const unbounded = [...new Set(textColumns.map((row) => `${row.table}.${row.column}`))].filter((name) => !(name in BOUNDS));
    expect(unbounded, "an index on a text column without a written-down bound").toEqual([]);
    expect(rows.some((row) => /\[\]$/.test(row.type)), "an index on a text array").toBe(false);

    const byIndex = new Map<string, typeof rows>();
    for (const row of rows) byIndex.set(row.index, [...(byIndex.get(row.index) ?? []), row]);
    for (const [index, columns] of byIndex) {
      const bytes = columns.reduce((sum, column) => {
        const bound = BOUNDS[`${column.table}.${column.column}`];
        if (!bound) return sum + 8; // integers, booleans, enums, timestamps
        return sum + (bound.units ?? 0) * BYTES_PER_UNIT + 4;
      }, 0);
      expect(bytes, index).toBeLessThan(BTREE_MAX_ENTRY - 32);
    }
  });

  it("the schemas accept exactly the bounds written down", () => {
    const cases: [string, { safeParse(v: unknown): { success: boolean } }, (n: number) => unknown][] = [
      ["projects.name", projectNameSchema, (n) => "a".repeat(n)],
      ["intents.id", intentIdSchema, (n) => "a".repeat(n)],
      ["cases.external_id", caseSchema.shape.id, (n) => "\u4e00".repeat(n)],
      ["runs.name", runNameSchema, (n) => "\u4e00".repeat(n)],
    ];
    for (const [column, schema, value] of cases) {
      const units = BOUNDS[column]!.units!;
      expect(schema.safeParse(value(units)).success, column).toBe(true);
      expect(schema.safeParse(value(units + 1)).success, column).toBe(false);
    }
    // The run name inside a completion is the same schema.
    expect(completionSchema.shape.run).toBe(runNameSchema);
  });
});
