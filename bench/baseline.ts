/**
 * The COPY baselines' rows: encoded by the store's own row encoders
 * (lib/ingest/copy.ts) from the same plans (grades, verdicts), with ids taken
 * from ranges reserved up front, so a baseline writes exactly the rows our
 * path writes, only without our path's work.
 */
import type pg from "pg";
import { DEMO_RUNS } from "../lib/demo/generate";
import { caseLine, completionLine, COPY_CASES, COPY_COMPLETIONS, COPY_VERDICTS, verdictLine } from "../lib/ingest/copy";
import type { PlannedCompletion } from "../lib/ingest/store";
import type { ProjectContext } from "../lib/projects";
import type { IngestRecord } from "../lib/validations/record";

export interface BaselineLines {
  case: string;
  completions: string[];
  verdicts: string[];
}

/** A consecutive range of `count` ids from a table's sequence; the first id. */
async function reserveRange(db: pg.ClientBase | pg.Pool, table: string, count: number): Promise<number> {
  const { rows } = await db.query<{ first: number }>(
    `SELECT setval(seq, nextval(seq) + $1 - 1) - $1 + 1 AS first FROM pg_get_serial_sequence($2, 'id') AS seq`,
    [Math.max(count, 1), table],
  );
  return rows[0]!.first;
}

/** Creates the demo runs in the project and returns an encoder for up to `cases` records. */
export async function baselineEncoder(db: pg.ClientBase | pg.Pool, project: ProjectContext, cases: number): Promise<(record: IngestRecord, planned: readonly PlannedCompletion[]) => BaselineLines> {
  const runIds = new Map<string, number>();
  for (const run of DEMO_RUNS) {
    const { rows } = await db.query<{ id: number }>("INSERT INTO runs (project_id, name, model) VALUES ($1, $2, $3) RETURNING id", [project.id, run.name, run.model]);
    runIds.set(run.name, rows[0]!.id);
  }
  let caseId = await reserveRange(db, "cases", cases);
  let completionId = await reserveRange(db, "completions", cases * DEMO_RUNS.length);
  return (record, planned) => {
    const lines: BaselineLines = { case: caseLine(project.id, caseId, record.case), completions: [], verdicts: [] };
    for (const p of planned) {
      lines.completions.push(completionLine(project.id, completionId, caseId, runIds.get(p.runName)!, p, null));
      if (p.policy) lines.verdicts.push(verdictLine(project.id, completionId, p.policy));
      completionId++;
    }
    caseId++;
    return lines;
  };
}

export type BaselineTable = "cases" | "completions" | "verdicts";

/** The timed part of a baseline: the three COPY statements in one transaction; `copy` feeds one of them. */
export async function copyInOneTransaction(client: pg.PoolClient, copy: (sql: string, table: BaselineTable) => Promise<unknown>): Promise<void> {
  try {
    await client.query("BEGIN");
    await copy(COPY_CASES, "cases");
    await copy(COPY_COMPLETIONS, "completions");
    await copy(COPY_VERDICTS, "verdicts");
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
