/**
 * Projects: the tenant every row belongs to. The grading context (loadProject)
 * is one hand-written read on the ingest request path (feedback reads its own,
 * lib/api/grading-context.ts); the other reads and writes of the projects
 * table go through the Prisma client.
 */
import type pg from "pg";
import { audit, type Actor } from "./audit";
import { inTransaction, prisma, type Db } from "./db/prisma";
import { isConflict } from "./db/retry";
import { DEMO_PROJECT } from "./demo/generate";
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

/** Creates a project; false when one of that name exists. With `actor` (the admin pages), audited in the same transaction. */
export async function createProject(name: string, db: Db = prisma(), actor?: Actor): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const { count } = await tx.project.createMany({ data: [{ name }], skipDuplicates: true });
    if (count === 1 && actor) {
      const { id } = await tx.project.findUniqueOrThrow({ where: { name }, select: { id: true } });
      await audit({ actor, projectId: id, action: "project.create", objectType: "project", objectId: name, after: { name } }, tx);
    }
    return count === 1;
  });
}

export type RenameResult = { ok: true } | { ok: false; reason: "missing" | "taken" | "demo" };

/**
 * Renames a project (its pages' URLs change with it; its keys, members and
 * data stay). The demo project keeps its name: `npm start` loads the demo into
 * the project named `demo` when that has no cases.
 */
export async function renameProject(from: string, to: string, actor: Actor, db: Db = prisma()): Promise<RenameResult> {
  if (from === to) return { ok: true };
  try {
    return await inTransaction(db, async (tx): Promise<RenameResult> => {
      const project = await tx.project.findUnique({ where: { name: from }, select: { id: true } });
      if (!project) return { ok: false, reason: "missing" };
      if (from === DEMO_PROJECT) return { ok: false, reason: "demo" };
      if (await tx.project.findUnique({ where: { name: to }, select: { id: true } })) return { ok: false, reason: "taken" };
      await tx.project.update({ where: { id: project.id }, data: { name: to } });
      await audit({ actor, projectId: project.id, action: "project.rename", objectType: "project", objectId: to, before: { name: from }, after: { name: to } }, tx);
      return { ok: true };
    });
  } catch (error) {
    // Taken by a concurrent create or rename between the check and the update.
    if (isConflict(error)) return { ok: false, reason: "taken" };
    throw error;
  }
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
