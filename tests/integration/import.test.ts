/**
 * The import and intents commands, run as a user runs them: the real CLI in a
 * child process (`tsx cli/ib.ts ...`) against this run's test database.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { DEMO_INTENTS, DEMO_RUNS, generateDemoRecords } from "../../lib/demo/generate";
import type { RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, snapshot, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
const tmp = mkdtempSync(path.join(os.tmpdir(), "ib-import-test-"));
afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await db.close();
});

const root = path.resolve(import.meta.dirname, "../..");
const tsx = path.join(root, "node_modules/.bin/tsx");

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run ib -- ...args` the quick way (tsx directly), on the test database. */
function ib(...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(tsx, ["cli/ib.ts", ...args], { cwd: root, env: { ...process.env, DATABASE_URL: inject("databaseUrl") }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The bad-line report in stderr (progress lines, printed every few seconds when not a TTY, left out). */
function reported(stderr: string): string[] {
  return stderr.split("\n").filter((line) => /^line \d+: |^\.\.\. and /.test(line));
}

function writeJsonl(name: string, lines: (RecordInput | string)[], lineEnd = "\n"): string {
  const file = path.join(tmp, name);
  writeFileSync(file, lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join(lineEnd) + lineEnd);
  return file;
}

function demoLines(cases: number): RecordInput[] {
  return [...generateDemoRecords({ cases })];
}

function simple(id: string, expectedIntent: string, completions: [run: string, model: string, intent: string][] = []): RecordInput {
  return {
    case: { id, messages: [{ role: "user", content: `message ${id}` }], expectedIntent },
    completions: completions.map(([run, model, intent]) => ({ run, model, text: completionText(intent) })),
  };
}

async function count(table: string, projectId: number): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE project_id = $1`, [projectId]);
  return rows[0]!.n;
}

async function projectIdOf(name: string): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>("SELECT id FROM projects WHERE name = $1", [name]);
  return rows[0]!.id;
}

describe("ib intents import and ib import", () => {
  it("creates a project's taxonomy, imports demo records, and a re-import changes nothing", async () => {
    const name = `imp-${randomBytes(4).toString("hex")}`;
    const taxonomy = path.join(tmp, "taxonomy.json");
    writeFileSync(taxonomy, JSON.stringify({ intents: DEMO_INTENTS }));

    // The project must exist first: intents import does not create it.
    const missing = await ib("intents", "import", taxonomy, "--project", name);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`project '${name}' does not exist: create it with \`npm run ib -- project create ${name}\``);

    expect((await ib("project", "create", name)).code).toBe(0);
    const first = await ib("intents", "import", taxonomy, "--project", name);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${DEMO_INTENTS.length} created, 0 new guideline version, 0 unchanged`);
    const again = await ib("intents", "import", taxonomy, "--project", name);
    expect(again.stdout).toContain(`0 created, 0 new guideline version, ${DEMO_INTENTS.length} unchanged`);
    const changed = path.join(tmp, "taxonomy-changed.json");
    writeFileSync(changed, JSON.stringify({ intents: DEMO_INTENTS.map((intent, i) => (i === 0 ? { ...intent, policy: `${intent.policy} Changed.` } : intent)) }));
    expect((await ib("intents", "import", changed, "--project", name)).stdout).toContain(`0 created, 1 new guideline version, ${DEMO_INTENTS.length - 1} unchanged`);

    const file = writeJsonl("demo.jsonl", demoLines(300));
    const imported = await ib("import", file, "--project", name, "--batch-size", "64");
    expect(reported(imported.stderr)).toEqual([]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("created 300, updated 0, unchanged 0, rejected 0 (0 invalid, 0 refused by the store)");
    const projectId = await projectIdOf(name);
    expect(await count("cases", projectId)).toBe(300);
    expect(await count("completions", projectId)).toBe(300 * DEMO_RUNS.length);
    expect(await count("runs", projectId)).toBe(DEMO_RUNS.length);

    const before = await snapshot(projectId);
    const replay = await ib("import", file, "--project", name);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain("created 0, updated 0, unchanged 300, rejected 0");
    expect(await snapshot(projectId)).toEqual(before);
  });

  it("reports bad lines with their line numbers, stores the good ones, and exits 1", async () => {
    const project = await freshProject(TWO_INTENTS);
    const file = writeJsonl(
      "mixed.jsonl",
      [
        simple("c1", "get_refund", [["a", "model-a", "get_refund"]]),
        simple("c2", "cancel_order"),
        '{"case": {"id": "c3", ',
        "",
        JSON.stringify({ case: { id: "c5", messages: [{ role: "robot", content: "hi" }], expectedIntent: "get_refund" } }),
        simple("c6", "no_such_intent"),
        simple("c7", "track_refund", [["a", "other-model", "track_refund"]]),
        simple("c8", "track_refund", [["b", "model-b", "get_refund"]]),
      ],
      "\r\n",
    );
    // Batches of 2: the run/model clash (line 7) is in another batch than the run's first use (line 1).
    const result = await ib("import", file, "--project", project.name, "--batch-size", "2");
    expect(result.code).toBe(1);
    expect(reported(result.stderr)).toEqual([
      expect.stringMatching(/^line 3: invalid JSON: /),
      'line 5: case.messages[0].role: Invalid option: expected one of "user"|"assistant"|"system"',
      "line 6: case.expectedIntent: unknown intent 'no_such_intent': add it to the taxonomy first",
      "line 7: completions[0].model: run 'a' exists with model 'model-a', not 'other-model'",
    ]);
    expect(result.stdout).toContain("created 3, updated 0, unchanged 0, rejected 4 (2 invalid, 2 refused by the store)");
    expect(result.stdout).toContain("blank lines skipped: 1");
    const { rows } = await db.pool.query("SELECT external_id FROM cases WHERE project_id = $1 ORDER BY external_id", [project.id]);
    expect(rows.map((row) => row.external_id)).toEqual(["c1", "c2", "c8"]);
  });

  it("stores completions that predict an intent outside the taxonomy as wrong, and says how many", async () => {
    const project = await freshProject(TWO_INTENTS);
    const file = writeJsonl("unknown-predictions.jsonl", [
      simple("c1", "get_refund", [["a", "model-a", "mystery_intent"], ["b", "model-b", "get_refund"]]),
      simple("c2", "track_refund", [["a", "model-a", "mystery_intent"]]),
      simple("c3", "track_refund", [["a", "model-a", "other_mystery"]]),
    ]);
    const result = await ib("import", file, "--project", project.name);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("created 3, updated 0, unchanged 0, rejected 0");
    expect(result.stdout).toContain("predicted intents not in the taxonomy (graded wrong, flagged): 3 completions: 'mystery_intent' 2, 'other_mystery' 1");
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM completions WHERE project_id = $1 AND unknown_intent AND intent_verdict = 'wrong'", [project.id]);
    expect(rows[0].n).toBe(3);
  });

  it("stores a case that appears twice as if the lines came one after the other", async () => {
    const project = await freshProject(TWO_INTENTS);
    const file = writeJsonl("twice.jsonl", [simple("c1", "get_refund", [["a", "m", "get_refund"]]), simple("c2", "get_refund"), simple("c1", "track_refund", [["a", "m", "get_refund"]])]);
    const result = await ib("import", file, "--project", project.name);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("created 2, updated 1, unchanged 0, rejected 0");
    const { rows } = await db.pool.query("SELECT c.expected_intent, x.intent_verdict FROM cases c JOIN completions x ON x.case_id = c.id WHERE c.project_id = $1 AND c.external_id = 'c1'", [project.id]);
    expect(rows).toEqual([{ expected_intent: "track_refund", intent_verdict: "wrong" }]);
  });

  it("--strict imports nothing when any line is bad, including lines the store would refuse", async () => {
    const project = await freshProject(TWO_INTENTS);
    const good = demoLines(40).map((record) => ({ ...record, case: { ...record.case, expectedIntent: "get_refund" } }));
    const cases = [
      { name: "schema", bad: JSON.stringify({ case: { id: "x", messages: [], expectedIntent: "get_refund" } }), error: ["line 21: case.messages: a case needs at least one message", "line 21: case.messages: the last message must come from the user"] },
      { name: "intent", bad: simple("x", "no_such_intent"), error: ["line 21: case.expectedIntent: unknown intent 'no_such_intent': add it to the taxonomy first"] },
      { name: "run", bad: simple("x", "get_refund", [["hosted-baseline", "not-gpt-4o", "get_refund"]]), error: ["line 21: completions[0].model: run 'hosted-baseline' is first used on line 1 with model 'gpt-4o', not 'not-gpt-4o'"] },
    ];
    for (const { name, bad, error } of cases) {
      const file = writeJsonl(`strict-${name}.jsonl`, [...good.slice(0, 20), bad, ...good.slice(20)]);
      const result = await ib("import", file, "--project", project.name, "--strict", "--batch-size", "7");
      expect(result.code, name).toBe(1);
      expect(reported(result.stderr), name).toEqual(error);
      expect(result.stdout).toContain("strict import of");
      expect(result.stdout).toContain("1 bad line (listed above): nothing imported");
      expect(await count("cases", project.id)).toBe(0);
      expect(await count("runs", project.id)).toBe(0);
    }

    // A run stored with one model is checked against what is stored too.
    await ib("import", writeJsonl("seed-run.jsonl", [simple("s1", "get_refund", [["r", "model-r", "get_refund"]])]), "--project", project.name);
    const clash = await ib("import", writeJsonl("clash.jsonl", [simple("s2", "get_refund"), simple("s3", "get_refund", [["r", "other", "get_refund"]])]), "--project", project.name, "--strict");
    expect(clash.code).toBe(1);
    expect(reported(clash.stderr)).toEqual(["line 2: completions[0].model: run 'r' exists with model 'model-r', not 'other'"]);
    expect(await count("cases", project.id)).toBe(1);

    const clean = await ib("import", writeJsonl("strict-clean.jsonl", good), "--project", project.name, "--strict");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain("created 40, updated 0, unchanged 0, rejected 0");
    expect(await count("cases", project.id)).toBe(41);
  });

  it("--strict lists at most 100 bad lines and counts the rest", async () => {
    const project = await freshProject(TWO_INTENTS);
    const lines = Array.from({ length: 130 }, (_, i) => (i % 2 === 0 ? simple(`c${i}`, "get_refund") : "not json"));
    const result = await ib("import", writeJsonl("many-bad.jsonl", lines), "--project", project.name, "--strict");
    expect(result.code).toBe(1);
    const errors = reported(result.stderr);
    expect(errors).toHaveLength(65);
    expect(errors[0]).toMatch(/^line 2: invalid JSON: /);
    expect(errors.at(-1)).toMatch(/^line 130: invalid JSON: /);
    expect(result.stdout).toContain("65 bad lines (listed above): nothing imported");

    const more = Array.from({ length: 250 }, (_, i) => (i % 2 === 0 ? simple(`c${i}`, "get_refund") : "not json"));
    const many = await ib("import", writeJsonl("more-bad.jsonl", more), "--project", project.name, "--strict");
    const lines2 = reported(many.stderr);
    expect(lines2).toHaveLength(101);
    expect(lines2.at(-2)).toMatch(/^line 200: invalid JSON: /);
    expect(lines2.at(-1)).toBe("... and 25 more bad lines not shown (100 shown)");
    expect(await count("cases", project.id)).toBe(0);
  });

  it("--dry-run validates against the taxonomy and writes nothing", async () => {
    const project = await freshProject(TWO_INTENTS);
    await ib("import", writeJsonl("dry-seed.jsonl", [simple("c1", "get_refund")]), "--project", project.name);
    const before = await snapshot(project.id);
    const file = writeJsonl("dry.jsonl", [simple("c1", "get_refund"), simple("c2", "get_refund", [["new-run", "m", "get_refund"]]), simple("c3", "no_such_intent"), simple("c4", "track_refund")]);
    const result = await ib("import", file, "--project", project.name, "--dry-run");
    expect(result.code).toBe(1);
    expect(reported(result.stderr)).toEqual(["line 3: case.expectedIntent: unknown intent 'no_such_intent': add it to the taxonomy first"]);
    expect(result.stdout).toContain("nothing written");
    expect(result.stdout).toContain("valid records: 3 (2 for cases not stored yet, 1 for cases already stored");
    expect(result.stdout).toContain("runs to create: new-run (m)");
    expect(await snapshot(project.id)).toEqual(before);

    const clean = await ib("import", writeJsonl("dry-clean.jsonl", [simple("c9", "get_refund")]), "--project", project.name, "--dry-run");
    expect(clean.code).toBe(0);
    expect(await snapshot(project.id)).toEqual(before);
  });

  it("accepts a byte order mark, and rejects an over-long line without reading it", async () => {
    const project = await freshProject(TWO_INTENTS);
    const file = path.join(tmp, "bom-long.jsonl");
    const long = JSON.stringify({ case: { id: "big", messages: [{ role: "user", content: "x".repeat(11 * 1024 * 1024) }], expectedIntent: "get_refund" } });
    writeFileSync(file, `\ufeff${JSON.stringify(simple("c1", "get_refund"))}\n${long}\n${JSON.stringify(simple("c3", "get_refund"))}\n`);
    const result = await ib("import", file, "--project", project.name);
    expect(result.code).toBe(1);
    expect(reported(result.stderr)).toEqual([`line 2: line is ${Buffer.byteLength(long)} bytes, over the 10 MiB limit: not read`]);
    expect(await count("cases", project.id)).toBe(2);
  });

  it("needs --project unless exactly one project exists, and says why", async () => {
    await freshProject(TWO_INTENTS);
    await freshProject(TWO_INTENTS);
    const file = writeJsonl("noproject.jsonl", [simple("c1", "get_refund")]);
    const result = await ib("import", file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ib: --project is required when more than one project exists \('/);
    const unknown = await ib("import", file, "--project", "no-such-project");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("project 'no-such-project' does not exist");
    const noFile = await ib("import", path.join(tmp, "absent.jsonl"), "--project", "x");
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain("no such file");
  });
});
