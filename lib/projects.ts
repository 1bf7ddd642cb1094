/**
 * Projects: the tenant every row belongs to. The grading context (loadProject)
 * is one hand-written read on the ingest request path (feedback reads its own,
 * lib/api/grading-context.ts); the other reads and writes of the projects
 * table go through the Prisma client.
 */
import type pg from "pg";
import { inTransaction, prisma, type Db } from "./db/prisma";
import type { RewardConfig } from "./grading/intent";
import { upsertIntents } from "./taxonomy/intents";
import type { Intent } from "./validations/taxonomy";

/** What storing and grading need to know about a project. */
export interface ProjectContext {
  id: number;
  name: string;
  rewards: RewardConfig;
  /** Intent id -> current guideline version. */
  intents: Map<string, number>;
  /** The simulated demo project, so the UI can say so. */
  simulated: boolean;
}

/** The project's id, creating it when missing (an existing one keeps its settings), with `intents` upserted in the same transaction. */
export async function ensureProject(name: string, options: { simulated?: boolean; intents?: readonly Intent[] } = {}, db: Db = prisma()): Promise<number> {
  return inTransaction(db, async (tx) => {
    const { id } = await tx.project.upsert({ where: { name }, create: { name, simulated: options.simulated ?? false }, update: {}, select: { id: true } });
    if (options.intents && options.intents.length > 0) await upsertIntents(id, options.intents, tx);
    return id;
  });
}

/** Creates a project; false when one of that name exists. */
export async function createProject(name: string, db: Db = prisma()): Promise<boolean> {
  const { count } = await db.project.createMany({ data: [{ name }], skipDuplicates: true });
  return count === 1;
}

export interface ProjectSummary {
  name: string;
  simulated: boolean;
}

/** Every project, by name. */
export async function listProjects(db: Db = prisma()): Promise<ProjectSummary[]> {
  return db.project.findMany({ select: { name: true, simulated: true }, orderBy: { name: "asc" } });
}

/** The id of the project of that name, or null. */
export async function findProjectId(name: string, db: Db = prisma()): Promise<number | null> {
  return (await db.project.findUnique({ where: { name }, select: { id: true } }))?.id ?? null;
}

/** The first `limit` project names, in name order. */
export async function projectNames(limit: number, db: Db = prisma()): Promise<string[]> {
  const rows = await db.project.findMany({ select: { name: true }, orderBy: { name: "asc" }, take: limit });
  return rows.map((row) => row.name);
}

/** Every project with its number of cases, by name. */
export async function projectCaseCounts(db: Db = prisma()): Promise<{ name: string; cases: number }[]> {
  const rows = await db.project.findMany({ select: { name: true, _count: { select: { cases: true } } }, orderBy: { name: "asc" } });
  return rows.map((row) => ({ name: row.name, cases: row._count.cases }));
}

export async function loadProject(db: pg.ClientBase | pg.Pool, name: string): Promise<ProjectContext | null> {
  const { rows } = await db.query<{ id: number; name: string; reward_correct: number; reward_wrong: number; reward_format_error: number; simulated: boolean }>(
    "SELECT id, name, reward_correct, reward_wrong, reward_format_error, simulated FROM projects WHERE name = $1",
    [name],
  );
  const project = rows[0];
  if (!project) return null;
  const intents = await db.query<{ id: string; current_version: number }>(
    "SELECT id, current_version FROM intents WHERE project_id = $1",
    [project.id],
  );
  return {
    id: project.id,
    name: project.name,
    rewards: { correct: project.reward_correct, wrong: project.reward_wrong, formatError: project.reward_format_error },
    intents: new Map(intents.rows.map((intent) => [intent.id, intent.current_version])),
    simulated: project.simulated,
  };
}
