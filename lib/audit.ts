/**
 * The audit log: who changed what, when, with the value before and after.
 * Written in the same transaction as the change it records.
 */
import type { Prisma } from "./generated/prisma/client";
import { prisma, type Db } from "./db/prisma";

export type Actor = { type: "user"; id: string; email: string } | { type: "system"; id: string };

export interface AuditEntry {
  actor: Actor;
  projectId: number | null;
  action: string;
  objectType: string;
  objectId: string;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

export async function audit(entry: AuditEntry, db: Db = prisma()): Promise<void> {
  await db.auditEvent.create({
    data: {
      projectId: entry.projectId,
      actorType: entry.actor.type,
      // The email as it was, so the entry stays readable after the user is gone.
      actorId: entry.actor.type === "user" ? entry.actor.email : entry.actor.id,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
    },
  });
}

export interface AuditRow {
  id: bigint;
  createdAt: Date;
  projectId: number | null;
  actorType: string;
  actorId: string | null;
  action: string;
  objectType: string;
  objectId: string;
  before: Prisma.JsonValue | null;
  after: Prisma.JsonValue | null;
}

/** The newest entries first: one project's, or the whole instance's (projectId undefined), keyset-paged by id. */
export async function auditLog(options: { projectId?: number; before?: bigint; limit?: number }, db: Db = prisma()): Promise<AuditRow[]> {
  return db.auditEvent.findMany({
    where: { ...(options.projectId !== undefined ? { projectId: options.projectId } : {}), ...(options.before !== undefined ? { id: { lt: options.before } } : {}) },
    orderBy: { id: "desc" },
    take: options.limit ?? 100,
  });
}
