import { pool } from "../db/pool";
import { prisma } from "../db/prisma";
import { storeStream } from "../ingest/stream";
import { catchUpSearchIndex } from "../search/indexer";
import { ensureProject, loadProject } from "../projects";
import { taxonomySchema } from "../validations/taxonomy";
import { DEMO_INTENTS, DEMO_PROJECT, generateDemoRecords } from "./generate";

/** True when the demo project exists and has cases. */
export async function demoLoaded(): Promise<boolean> {
  return (await prisma().project.count({ where: { name: DEMO_PROJECT, cases: { some: {} } } })) > 0;
}

/** Loads the simulated demo project: the demo taxonomy and `cases` generated cases with three runs. */
export async function loadDemo(options: { cases: number; seed?: number; project?: string }): Promise<number> {
  const name = options.project ?? DEMO_PROJECT;
  const { intents } = taxonomySchema.parse({ intents: DEMO_INTENTS });
  await ensureProject(name, { simulated: true, intents });
  const project = (await loadProject(pool(), name))!;
  const progress = await storeStream(project, generateDemoRecords({ cases: options.cases, seed: options.seed }));
  await catchUpSearchIndex();
  // Fresh statistics for the tables a bulk load just filled: plans of the first pages (aggregates, ranking index) depend on them.
  await pool().query("ANALYZE cases, completions, completion_counts, run_pair_counts, case_outcomes");
  return progress.records;
}
