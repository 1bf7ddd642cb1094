/**
 * The audit log: who changed what, when, with the value before and after.
 * Written in the same transaction as the change it records.
 */
import type pg from "pg";
import type { Prisma } from "./generated/prisma/client";
import { prisma, type Db } from "./db/prisma";

/** Who made a change: a signed-in user, an API key (its id: `key #N`), or the system (setup, the CLI). */
export type Actor = { type: "user"; id: string; email: string } | { type: "api_key"; id: string } | { type: "system"; id: string };

export interface AuditEntry {
  actor: Actor;
  projectId: number | null;
  action: string;
  objectType: string;
  objectId: string;
  before?: Prisma.InputJsonValue | null;
  after?: Prisma.InputJsonValue | null;
}

// The email as it was, so the entry stays readable after the user is gone.
const actorId = (actor: Actor) => (actor.type === "user" ? actor.email : actor.id);

export async function audit(entry: AuditEntry, db: Db = prisma()): Promise<void> {
  await db.auditEvent.create({
    data: {
      projectId: entry.projectId,
      actorType: entry.actor.type,
      actorId: actorId(entry.actor),
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId,
      before: entry.before ?? undefined,
      after: entry.after ?? undefined,
    },
  });
}

/** The same entry written over a pg client, for a change made in hand-written SQL inside that client's transaction. */
export async function auditOver(client: pg.ClientBase, entry: AuditEntry): Promise<void> {
  const json = (value: Prisma.InputJsonValue | null | undefined) => (value === undefined || value === null ? null : JSON.stringify(value));
  await client.query(
    `INSERT INTO audit_log (project_id, actor_type, actor_id, action, object_type, object_id, before, after)
     VALUES ($1, $2::actor_type, $3, $4, $5, $6, $7::jsonb, $8::jsonb)`,
    [entry.projectId, entry.actor.type, actorId(entry.actor), entry.action, entry.objectType, entry.objectId, json(entry.before), json(entry.after)],
  );
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

export interface AuditPage {
  rows: (AuditRow & { project: string | null })[];
  /** The id to pass as `before` for the next (older) page; null on the last page. */
  next: bigint | null;
}

/** One page of the log for the pages, each entry with its project's current name (null: instance-wide, or the project is gone). */
export async function auditPage(options: { projectId?: number; before?: bigint; limit: number }, db: Db = prisma()): Promise<AuditPage> {
  const rows = await auditLog({ ...options, limit: options.limit + 1 }, db);
  const page = rows.slice(0, options.limit);
  const ids = [...new Set(page.flatMap((row) => (row.projectId === null ? [] : [row.projectId])))];
  const projects = ids.length === 0 ? [] : await db.project.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  const names = new Map(projects.map((project) => [project.id, project.name]));
  return {
    rows: page.map((row) => ({ ...row, project: row.projectId === null ? null : (names.get(row.projectId) ?? null) })),
    next: rows.length > options.limit ? page[page.length - 1]!.id : null,
  };
}

/** A before or after value as compact JSON text; "–" for none. */
export function auditValue(value: Prisma.JsonValue | null): string {
  return value === null ? "–" : JSON.stringify(value);
}

/** The `before` of a log page's URL: an entry id, or undefined for the newest page (anything else falls back to it). */
export function parseAuditCursor(raw: string | string[] | undefined): { before?: bigint; invalid: boolean } {
  if (raw === undefined) return { invalid: false };
  if (typeof raw === "string" && /^[1-9][0-9]{0,18}$/.test(raw)) {
    const before = BigInt(raw);
    if (before <= 9223372036854775807n) return { before, invalid: false };
  }
  return { invalid: true };
}
