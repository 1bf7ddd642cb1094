/**
 * The Prisma client over the app's pg pool, against PostgreSQL: the small
 * tables written through it, its errors classified by the one retry policy,
 * and concurrent taxonomy writes that converge.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { pool } from "../../lib/db/pool";
import { prisma } from "../../lib/db/prisma";
import { isConflict, retryConflicts, sqlState } from "../../lib/db/retry";
import { createProject, ensureProject, findProjectId, projectCaseCounts } from "../../lib/projects";
import { intentsWithGuidelines, upsertIntents } from "../../lib/taxonomy/intents";
import { taxonomySchema } from "../../lib/validations/taxonomy";
import { TWO_INTENTS, useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const name = (prefix: string) => `${prefix}-${randomBytes(5).toString("hex")}`;

describe("the Prisma client", () => {
  it("runs its queries on the app's pg pool", async () => {
    const connect = vi.spyOn(pool(), "connect");
    try {
      await prisma().project.count();
      expect(connect).toHaveBeenCalled();
    } finally {
      connect.mockRestore();
    }
  });

  it("creates a project once and counts its cases", async () => {
    const project = name("prisma");
    expect(await createProject(project)).toBe(true);
    expect(await createProject(project)).toBe(false);
    const id = await findProjectId(project);
    expect(id).toEqual(expect.any(Number));
    expect((await projectCaseCounts()).find((row) => row.name === project)).toEqual({ name: project, cases: 0 });
  });

  it("reports a unique violation with its SQLSTATE, as a conflict", async () => {
    const project = name("dup");
    await prisma().project.create({ data: { name: project } });
    const error = await prisma().project.create({ data: { name: project } }).catch((caught: unknown) => caught);
    expect(sqlState(error)).toBe("23505");
    expect(isConflict(error)).toBe(true);
  });
});

describe("upsertIntents", () => {
  it("versions a changed guideline and keeps the old one", async () => {
    const { intents } = taxonomySchema.parse({ intents: TWO_INTENTS });
    const id = await ensureProject(name("tax"), { intents });
    const changed = intents.map((intent, i) => (i === 0 ? { ...intent, policy: `${intent.policy} Changed.` } : i === 1 ? { ...intent, label: "Refund" } : intent));
    expect(await upsertIntents(id, changed)).toEqual({ created: [], newVersion: ["cancel_order"], unchanged: ["get_refund", "track_refund"] });
    const current = await intentsWithGuidelines(id);
    expect(current.map(({ id: intent, version, label }) => [intent, version, label])).toEqual([
      ["cancel_order", 2, "Cancel order"],
      ["get_refund", 1, "Refund"],
      ["track_refund", 1, "Track refund"],
    ]);
    expect(current[0]!.policy).toBe("Mention the $4.99 fee. Changed.");
    expect(await prisma().policyGuideline.count({ where: { projectId: id } })).toBe(4);
  });

  it("converges when two writers create the same intents at once", async () => {
    const id = await ensureProject(name("race"));
    const { intents } = taxonomySchema.parse({ intents: TWO_INTENTS });
    const results = await Promise.all([0, 1, 2].map(() => retryConflicts(() => upsertIntents(id, intents))));
    expect(results.map((result) => result.created.length).sort()).toEqual([0, 0, 3]);
    expect(await prisma().policyGuideline.count({ where: { projectId: id } })).toBe(3);
  });
});
