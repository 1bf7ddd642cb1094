import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { closePool, pool, withTransaction } from "../../lib/db/pool";
import { storeRecords, type RecordResult } from "../../lib/ingest/store";
import { ensureProject, loadProject, type ProjectContext } from "../../lib/projects";
import { taxonomySchema, type IntentInput } from "../../lib/validations/taxonomy";
import { recordSchema, type RecordInput } from "../../lib/validations/record";

/** Points the app's pool at this run's test database. */
export function useTestDatabase() {
  process.env.DATABASE_URL = inject("databaseUrl");
  return { pool: pool(), close: closePool };
}

/** A project of its own for each test, so tests never share data. */
export async function freshProject(intents: IntentInput[], prefix = "t"): Promise<ProjectContext> {
  const name = `${prefix}-${randomBytes(5).toString("hex")}`;
  const parsed = taxonomySchema.parse({ intents });
  await ensureProject(name, { intents: parsed.intents });
  return (await loadProject(pool(), name))!;
}

export async function reloadProject(project: ProjectContext): Promise<ProjectContext> {
  return (await loadProject(pool(), project.name))!;
}

export async function ingest(project: ProjectContext, records: RecordInput[]): Promise<RecordResult[]> {
  const parsed = records.map((record) => recordSchema.parse(record));
  return withTransaction((db) => storeRecords(db, project, parsed));
}

/** Everything a project holds, for "exactly as before" comparisons. */
export async function snapshot(projectId: number): Promise<Record<string, unknown[]>> {
  const tables: Record<string, string> = {
    cases: "SELECT * FROM cases WHERE project_id = $1 ORDER BY id",
    completions: "SELECT * FROM completions WHERE project_id = $1 ORDER BY id",
    policy_verdicts: "SELECT * FROM policy_verdicts WHERE project_id = $1 ORDER BY id",
    runs: "SELECT * FROM runs WHERE project_id = $1 ORDER BY id",
    run_intent_stats: "SELECT * FROM run_intent_stats WHERE project_id = $1 ORDER BY run_id, expected_intent",
    run_confusion: "SELECT * FROM run_confusion WHERE project_id = $1 ORDER BY run_id, expected_intent, predicted",
  };
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) out[name] = (await pool().query(sql, [projectId])).rows;
  return out;
}

export const TWO_INTENTS: IntentInput[] = [
  { id: "cancel_order", label: "Cancel order", policy: "Mention the $4.99 fee.", rubric: [{ id: "fee", description: "must mention the $4.99 fee", mustInclude: ["$4.99"] }] },
  { id: "get_refund", label: "Get refund", policy: "Ask for the order number." },
  { id: "track_refund", label: "Track refund", policy: "Give the refund status." },
];

export function completionText(intent: string, reply = "Sure, I can help with that.") {
  return `<analysis>The customer wants something.</analysis><intent>${intent}</intent> ${reply}`;
}
