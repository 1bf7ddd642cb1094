import { storeStream } from "../ingest/stream";
import { ensureProject, loadProject } from "../projects";
import { taxonomySchema } from "../validations/taxonomy";
import { DEMO_INTENTS, DEMO_PROJECT, generateDemoRecords } from "./generate";
import { pool } from "../db/pool";

/** True when the demo project exists and has cases. */
export async function demoLoaded(): Promise<boolean> {
  const { rows } = await pool().query(
    "SELECT 1 FROM projects p WHERE p.name = $1 AND EXISTS (SELECT 1 FROM cases c WHERE c.project_id = p.id)",
    [DEMO_PROJECT],
  );
  return rows.length > 0;
}

/** Loads the simulated demo project: the demo taxonomy and `cases` generated cases with three runs. */
export async function loadDemo(options: { cases: number; seed?: number; project?: string }): Promise<number> {
  const name = options.project ?? DEMO_PROJECT;
  const { intents } = taxonomySchema.parse({ intents: DEMO_INTENTS });
  await ensureProject(name, { simulated: true, intents });
  const project = (await loadProject(pool(), name))!;
  const progress = await storeStream(project, generateDemoRecords({ cases: options.cases, seed: options.seed }));
  return progress.records;
}
