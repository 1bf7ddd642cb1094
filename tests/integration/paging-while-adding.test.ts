/**
 * Keyset paging while rows are being added: walking a filter page by page
 * returns every row that existed when the walk began exactly once, in order,
 * whatever is stored meanwhile (new rows have higher ids: they can only show
 * up after the rows already there, on ascending order).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { caseCursorSchema, listCaseRows } from "../../lib/query/case-rows";
import { listCompletions } from "../../lib/query/completions";
import { decodeCursor } from "../../lib/query/cursor";
import type { ProjectContext } from "../../lib/projects";
import { completionListQuerySchema } from "../../lib/validations/filters";
import type { RecordInput } from "../../lib/validations/record";
import { completionText, freshProject, ingest, TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

let project: ProjectContext;

function records(from: number, count: number): RecordInput[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      case: { id: `live-${String(n).padStart(5, "0")}`, messages: [{ role: "user", content: `message ${n}` }], expectedIntent: "get_refund" },
      // Every third answer of run-a is wrong: the filter below selects those.
      completions: ["run-a", "run-b"].map((run) => ({ run, model: run, text: completionText(run === "run-a" && n % 3 === 0 ? "track_refund" : "get_refund") })),
    };
  });
}

beforeAll(async () => {
  project = await freshProject(TWO_INTENTS, "live");
  await ingest(project, records(0, 300));
});

async function wrongOfRunA(): Promise<string[]> {
  const { rows } = await db.pool.query<{ external_id: string }>(
    `SELECT k.external_id FROM completions c JOIN cases k ON k.project_id = c.project_id AND k.id = c.case_id JOIN runs r ON r.id = c.run_id
      WHERE c.project_id = $1 AND r.name = 'run-a' AND c.intent_verdict = 'wrong' ORDER BY c.id`,
    [project.id],
  );
  return rows.map((row) => row.external_id);
}

describe("paging while rows are added", () => {
  it("one row per completion: each match present at the start is seen once, in order", async () => {
    const before = await wrongOfRunA();
    expect(before).toHaveLength(100);
    const seen: string[] = [];
    let cursor: string | undefined;
    let added = 300;
    for (let page = 0; page < 500; page++) {
      const query = completionListQuerySchema.parse({ run: "run-a", intentVerdict: "wrong", limit: "7", ...(cursor ? { cursor } : {}) });
      const result = await listCompletions(db.pool, project.id, query);
      seen.push(...result.items.map((item) => item.caseId));
      // Between pages, another writer stores 30 more cases (10 more matches).
      if (added < 600) {
        await ingest(project, records(added, 30));
        added += 30;
      }
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, before.length)).toEqual(before);
    expect(seen).toEqual(await wrongOfRunA()); // and, ascending, the rows added meanwhile follow in order
  });

  it("one row per case, newest first: the cases present at the start, each once, in order", async () => {
    const { rows } = await db.pool.query<{ external_id: string }>("SELECT external_id FROM cases WHERE project_id = $1 ORDER BY id DESC", [project.id]);
    const before = rows.map((row) => row.external_id);
    const seen: string[] = [];
    let after: number | null = null;
    let added = 600;
    for (let page = 0; page < 500; page++) {
      const result = await listCaseRows(db.pool, project.id, { filter: {}, limit: 11, sort: "-id", after }, ["run-a"]);
      seen.push(...result.items.map((item) => item.caseId));
      if (added < 700) {
        await ingest(project, records(added, 20));
        added += 20;
      }
      if (!result.nextCursor) break;
      after = decodeCursor(result.nextCursor, caseCursorSchema)![2];
    }
    // Newest first: cases added during the walk have higher ids than its start, so none of them shows up.
    expect(seen).toEqual(before);
  });
});
