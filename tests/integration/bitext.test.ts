/**
 * Real customer messages end to end: the Bitext customer-service intent
 * validation split (../shared/data/bitext-intent/, CDLA-Sharing-1.0, read at
 * test time and never copied into the repository) is converted into cases and
 * imported through the real CLI, then checked in the database.
 *
 * What is real and what is not: the utterances, intents and tags are Bitext's.
 * The intent labels are derived from the ids and the policy texts are
 * placeholders written here. The one run's completions are SYNTHETIC, made up
 * deterministically by this test (mostly correct, some wrong, some with a
 * format error) so the grading path is exercised; they are no model's output.
 *
 * The data folder is beside the checkout in CI but not on a user's fresh
 * machine: when it is absent the test is reported skipped (never passed), with
 * the folder it looked for in its name.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { parseCsvObjects } from "../../lib/ingest/csv";
import { leaderboard } from "../../lib/metrics/queries";
import type { RecordInput } from "../../lib/validations/record";
import type { IntentInput } from "../../lib/validations/taxonomy";
import { useTestDatabase } from "./helpers";

const db = useTestDatabase();
const tmp = mkdtempSync(path.join(os.tmpdir(), "ib-bitext-test-"));
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await db.close();
});

const root = path.resolve(import.meta.dirname, "../..");
const DATA_DIR = path.resolve(root, "../shared/data/bitext-intent");
const DATA_ABSENT = !existsSync(DATA_DIR);

function ib(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(path.join(root, "node_modules/.bin/tsx"), ["cli/ib.ts", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: inject("databaseUrl") } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Bitext's one-letter language-variation tags, named after its README and
 * TAGS.md. "N" occurs in the data but is documented in neither: it is kept
 * as `bitext-N` rather than given a guessed meaning.
 */
const TAG_NAMES: Record<string, string> = {
  B: "basic-syntax",
  C: "coordinated",
  D: "indirect-speech",
  E: "abbreviation",
  G: "regional",
  I: "interrogative",
  K: "keyword",
  L: "lexical-variation",
  M: "morphological",
  P: "polite",
  Q: "colloquial",
  R: "respect",
  W: "offensive",
  Y: "code-switching",
  Z: "typos",
};

function bitextTags(column: string): string[] {
  return [...new Set(column.trim().split(""))].map((letter) => TAG_NAMES[letter] ?? `bitext-${letter}`);
}

/** `check_cancellation_fee` -> `Check cancellation fee`. */
function labelOf(id: string): string {
  const words = id.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const RUN = { run: "synthetic-baseline", model: "synthetic (written by the test, not a model)" };
type Outcome = "correct" | "wrong" | "format_error";

/** The synthetic completion's outcome for data row `row` (1-based): deterministic. */
function outcomeOf(row: number): Outcome {
  if (row % 25 === 0) return "format_error";
  if (row % 9 === 0) return "wrong";
  return "correct";
}

function syntheticCompletion(row: number, intent: string, intents: string[]): string {
  const outcome = outcomeOf(row);
  const other = intents[(intents.indexOf(intent) + 1) % intents.length]!;
  const reply = `(Synthetic reply made up by the test for row ${row}.)`;
  if (outcome === "format_error") return `<intent>${intent}</intent> ${reply}`;
  const predicted = outcome === "wrong" ? other : intent;
  return `<analysis>Synthetic analysis, not a model output.</analysis><intent>${predicted}</intent> ${reply}`;
}

describe("the Bitext validation split through the import CLI", () => {
  const title = "imports all 810 utterances as cases with their intents and tags";
  it.skipIf(DATA_ABSENT)(DATA_ABSENT ? `${title} (skipped: no Bitext data at ${DATA_DIR})` : title, async () => {
    const csvName = readdirSync(DATA_DIR).find((name) => /validation/i.test(name) && name.toLowerCase().endsWith(".csv"));
    expect(csvName, `a validation CSV in ${DATA_DIR}`).toBeDefined();
    const { header, rows } = parseCsvObjects(readFileSync(path.join(DATA_DIR, csvName!), "utf8"));
    expect(header).toEqual(expect.arrayContaining(["utterance", "intent", "category", "tags"]));
    expect(rows).toHaveLength(810);

    const intents = [...new Set(rows.map((row) => row.intent!))].sort();
    expect(intents).toHaveLength(27);
    const taxonomy: IntentInput[] = intents.map((id) => ({
      id,
      label: labelOf(id),
      description: `Bitext intent '${id}'.`,
      policy: `Placeholder guideline written for this test (not Bitext's): help the customer with "${labelOf(id).toLowerCase()}".`,
    }));

    const records: RecordInput[] = rows.map((row, index) => {
      const n = index + 1;
      const metadata: Record<string, string> = { source: `bitext-intent/${csvName}`, row: String(n), category: row.category! };
      if (row.entity_type) metadata.entityType = row.entity_type;
      if (row.entity_value) metadata.entityValue = row.entity_value;
      return {
        case: { id: `bitext-val-${n}`, messages: [{ role: "user", content: row.utterance! }], expectedIntent: row.intent!, tags: bitextTags(row.tags!), metadata },
        completions: [{ ...RUN, text: syntheticCompletion(n, row.intent!, intents) }],
      };
    });
    const jsonl = path.join(tmp, "bitext-validation.jsonl");
    writeFileSync(jsonl, records.map((record) => JSON.stringify(record)).join("\n") + "\n");
    const taxonomyFile = path.join(tmp, "bitext-taxonomy.json");
    writeFileSync(taxonomyFile, JSON.stringify({ intents: taxonomy }));

    const project = `bitext-${randomBytes(4).toString("hex")}`;
    expect((await ib("project", "create", project)).code).toBe(0);
    const intentsResult = await ib("intents", "import", taxonomyFile, "--project", project);
    expect(intentsResult.stdout).toContain("27 created, 0 new guideline version, 0 unchanged");
    const imported = await ib("import", jsonl, "--project", project, "--strict");
    expect(imported.stdout).toContain("created 810, updated 0, unchanged 0, rejected 0 (0 invalid, 0 refused by the store)");
    expect(imported.code).toBe(0);

    const { rows: projectRows } = await db.pool.query<{ id: number }>("SELECT id FROM projects WHERE name = $1", [project]);
    const projectId = projectRows[0]!.id;
    const { rows: stored } = await db.pool.query<{ expected_intent: string; n: number }>(
      "SELECT expected_intent, count(*)::int AS n FROM cases WHERE project_id = $1 GROUP BY expected_intent ORDER BY expected_intent",
      [projectId],
    );
    const expected = new Map<string, number>();
    for (const row of rows) expected.set(row.intent!, (expected.get(row.intent!) ?? 0) + 1);
    expect(stored.reduce((sum, row) => sum + row.n, 0)).toBe(810);
    expect(Object.fromEntries(stored.map((row) => [row.expected_intent, row.n]))).toEqual(Object.fromEntries([...expected].sort()));

    // One case read back whole: the first row of the file.
    const first = await db.pool.query<{ messages: unknown; tags: string[]; metadata: Record<string, string> }>(
      "SELECT messages, tags, metadata FROM cases WHERE project_id = $1 AND external_id = 'bitext-val-1'",
      [projectId],
    );
    expect(first.rows[0]).toEqual({ messages: [{ role: "user", content: rows[0]!.utterance }], tags: bitextTags(rows[0]!.tags!), metadata: records[0]!.case.metadata });

    // Tags: every letter of the column is kept, as a name.
    const { rows: tagRows } = await db.pool.query<{ tag: string; n: number }>(
      "SELECT tag, count(*)::int AS n FROM cases, unnest(tags) AS tag WHERE project_id = $1 GROUP BY tag",
      [projectId],
    );
    const tagCounts = new Map<string, number>();
    for (const row of rows) for (const tag of bitextTags(row.tags!)) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
    expect(Object.fromEntries(tagRows.map((row) => [row.tag, row.n]))).toEqual(Object.fromEntries(tagCounts));
    expect(tagCounts.get("colloquial")).toBeGreaterThan(0);

    // The synthetic run is graded by the one grader: the counts are the ones planned above.
    const planned = { correct: 0, wrong: 0, format_error: 0 };
    rows.forEach((_, index) => (planned[outcomeOf(index + 1)] += 1));
    const [run] = await leaderboard(db.pool, projectId);
    expect(run).toMatchObject({ run: RUN.run, model: RUN.model, total: 810, intent: { correct: planned.correct, wrong: planned.wrong, formatError: planned.format_error } });

    // Importing the same file again changes nothing.
    const replay = await ib("import", jsonl, "--project", project);
    expect(replay.stdout).toContain("created 0, updated 0, unchanged 810, rejected 0");
  });
});
