/** Reads of stored runs and cases that the import's checks need, through the Prisma client. */
import { prisma, type Db } from "../db/prisma";

/** The project's runs: name -> model. */
export async function runModels(projectId: number, db: Db = prisma()): Promise<Map<string, string>> {
  const rows = await db.run.findMany({ where: { projectId }, select: { name: true, model: true } });
  return new Map(rows.map((row) => [row.name, row.model]));
}

/** How many of these case ids the project has stored. */
export async function countStoredCases(projectId: number, externalIds: readonly string[], db: Db = prisma()): Promise<number> {
  return db.case.count({ where: { projectId, externalId: { in: [...externalIds] } } });
}
