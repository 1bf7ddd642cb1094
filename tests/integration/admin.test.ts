/**
 * What the admin pages change, against PostgreSQL: project rename, API keys
 * with their creator, invitations, the last-admin guard, and the audit entry
 * (who, what, before, after) each change writes in its own transaction.
 */
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createApiKey, listApiKeys, revokeApiKey, verifyApiKey } from "../../lib/api/keys";
import { auditLog, type Actor } from "../../lib/audit";
import { changeMemberRole, createUser, findUser, inviteMember, removeMember, LastAdminError, listMembers, setDisabled, setInstanceAdmin } from "../../lib/auth/users";
import { pool } from "../../lib/db/pool";
import { prisma } from "../../lib/db/prisma";
import { createProject, findProjectId, renameProject } from "../../lib/projects";
import { useTestDatabase } from "./helpers";

const db = useTestDatabase();
afterAll(() => db.close());

const tag = () => randomBytes(5).toString("hex");
const SYSTEM: Actor = { type: "system", id: "test" };

async function newUser(options: { isAdmin?: boolean } = {}): Promise<{ actor: Actor & { type: "user" }; id: string; email: string }> {
  const email = `u-${tag()}@example.test`;
  const id = await createUser({ email, isAdmin: options.isAdmin }, SYSTEM);
  return { actor: { type: "user", id, email }, id, email };
}

async function newProject(): Promise<{ id: number; name: string }> {
  const name = `adm-${tag()}`;
  expect(await createProject(name)).toBe(true);
  return { id: (await findProjectId(name))!, name };
}

/** The project's newest audit entry, in the shape the log page shows. */
async function lastEntry(projectId: number | undefined) {
  const [entry] = await auditLog({ projectId, limit: 1 });
  return entry && { actorId: entry.actorId, action: entry.action, objectType: entry.objectType, objectId: entry.objectId, before: entry.before, after: entry.after };
}

describe("renameProject", () => {
  it("renames, keeps the project's id, and audits the old and new name", async () => {
    const { id, name } = await newProject();
    const { actor, email } = await newUser({ isAdmin: true });
    const to = `${name}-renamed`;
    expect(await renameProject(name, to, actor)).toEqual({ ok: true });
    expect(await findProjectId(to)).toBe(id);
    expect(await findProjectId(name)).toBeNull();
    expect(await lastEntry(id)).toEqual({ actorId: email, action: "project.rename", objectType: "project", objectId: to, before: { name }, after: { name: to } });
  });

  it("refuses a taken name and changes nothing", async () => {
    const a = await newProject();
    const b = await newProject();
    const { actor } = await newUser({ isAdmin: true });
    expect(await renameProject(a.name, b.name, actor)).toEqual({ ok: false, reason: "taken" });
    expect(await findProjectId(a.name)).toBe(a.id);
    expect(await findProjectId(b.name)).toBe(b.id);
    expect(await auditLog({ projectId: a.id })).toEqual([]);
  });

  it("refuses the demo project and a missing one", async () => {
    const { actor } = await newUser({ isAdmin: true });
    expect(await renameProject(`gone-${tag()}`, `x-${tag()}`, actor)).toEqual({ ok: false, reason: "missing" });
    await createProject("demo");
    expect(await renameProject("demo", `demo-${tag()}`, actor)).toEqual({ ok: false, reason: "demo" });
    expect(await findProjectId("demo")).not.toBeNull();
  });

  it("audits a project created from the admin pages", async () => {
    const { actor, email } = await newUser({ isAdmin: true });
    const name = `made-${tag()}`;
    expect(await createProject(name, prisma(), actor)).toBe(true);
    expect(await createProject(name, prisma(), actor)).toBe(false);
    const id = (await findProjectId(name))!;
    expect(await auditLog({ projectId: id })).toHaveLength(1);
    expect(await lastEntry(id)).toEqual({ actorId: email, action: "project.create", objectType: "project", objectId: name, before: null, after: { name } });
  });
});

describe("API keys made and revoked on the admin pages", () => {
  it("record their creator's email and write audit entries; the command line's have none", async () => {
    const project = await newProject();
    const { actor, email } = await newUser();
    const fromCli = await createApiKey(project.id, "cli", "read");
    const fromUi = await createApiKey(project.id, "ui key", "ingest", prisma(), actor);
    const listed = await listApiKeys(project.id);
    expect(listed.map((key) => [key.prefix, key.name, key.scope, key.creator])).toEqual([
      [fromCli.prefix, "cli", "read", null],
      [fromUi.prefix, "ui key", "ingest", email],
    ]);
    expect(await lastEntry(project.id)).toEqual({ actorId: email, action: "apikey.create", objectType: "apikey", objectId: fromUi.prefix, before: null, after: { name: "ui key", scope: "ingest" } });
    // The secret itself is in no audit entry.
    expect(JSON.stringify((await auditLog({ projectId: project.id })).map((e) => [e.before, e.after]))).not.toContain(fromUi.secret.slice(16));

    expect(await verifyApiKey(pool(), fromUi.secret)).not.toBeNull();
    expect(await revokeApiKey(project.id, fromUi.prefix, prisma(), actor)).toBe(true);
    expect(await revokeApiKey(project.id, fromUi.prefix, prisma(), actor)).toBe(false);
    expect(await verifyApiKey(pool(), fromUi.secret)).toBeNull();
    expect(await lastEntry(project.id)).toEqual({ actorId: email, action: "apikey.revoke", objectType: "apikey", objectId: fromUi.prefix, before: { name: "ui key", scope: "ingest", revoked: false }, after: { revoked: true } });
    expect(await auditLog({ projectId: project.id })).toHaveLength(2);
  });

  it("do not revoke another project's key", async () => {
    const a = await newProject();
    const b = await newProject();
    const key = await createApiKey(a.id, "a", "read");
    expect(await revokeApiKey(b.id, key.prefix, prisma(), SYSTEM)).toBe(false);
    expect(await verifyApiKey(pool(), key.secret)).not.toBeNull();
  });
});

describe("inviteMember", () => {
  it("creates a new user with the membership and a one-time link; an existing user is only added", async () => {
    const project = await newProject();
    const { actor, email: adminEmail } = await newUser();
    const email = `Invited-${tag()}@Example.test`;
    const invitation = await inviteMember(project.id, email, "viewer", actor);
    expect(invitation.created).toBe(true);
    if (!invitation.created) return;
    expect(invitation.link).toMatch(/^http:\/\/[^/]+\/auth\/magic-link\/verify\?token=/);
    const members = await listMembers(project.id);
    expect(members.map((m) => [m.email, m.role, m.hasPassword])).toEqual([[email.toLowerCase(), "viewer", false]]);
    expect(await lastEntry(project.id)).toEqual({ actorId: adminEmail, action: "member.add", objectType: "member", objectId: email.toLowerCase(), before: null, after: { role: "viewer" } });

    const other = await newProject();
    expect(await inviteMember(other.id, email, "lead", actor)).toEqual({ created: false, alreadyMember: false });
    expect(await inviteMember(other.id, email, "admin", actor)).toEqual({ created: false, alreadyMember: true });
    expect((await listMembers(other.id)).map((m) => m.role)).toEqual(["lead"]);
  });
});

describe("changeMemberRole and removeMember", () => {
  it("change a member's role and remove them, audited; nobody is added by a role change", async () => {
    const project = await newProject();
    const { actor, email: adminEmail } = await newUser();
    const member = await newUser();
    const stranger = await newUser();
    await inviteMember(project.id, member.email, "viewer", actor);
    expect(await changeMemberRole(project.id, member.id, "lead", actor)).toBe("changed");
    expect(await lastEntry(project.id)).toEqual({ actorId: adminEmail, action: "member.role", objectType: "member", objectId: member.email, before: { role: "viewer" }, after: { role: "lead" } });
    expect(await changeMemberRole(project.id, member.id, "lead", actor)).toBe("same");
    expect(await changeMemberRole(project.id, stranger.id, "admin", actor)).toBe("missing");
    expect((await listMembers(project.id)).map((m) => [m.email, m.role])).toEqual([[member.email, "lead"]]);

    expect(await removeMember(project.id, member.id, actor)).toBe(true);
    expect(await removeMember(project.id, member.id, actor)).toBe(false);
    expect(await lastEntry(project.id)).toEqual({ actorId: adminEmail, action: "member.remove", objectType: "member", objectId: member.email, before: { role: "lead" }, after: null });
    expect(await listMembers(project.id)).toEqual([]);
    expect(await auditLog({ projectId: project.id })).toHaveLength(3);
  });
});

describe("signInLink", () => {
  it("works when the auth instance was made by another copy of lib/auth (npm start loads it through tsx and in the Next.js bundle)", async () => {
    const { email } = await newUser();
    await import("../../lib/auth/core").then((core) => core.coreAuth()); // this copy's instance, kept on globalThis
    vi.resetModules();
    const fresh = await import("../../lib/auth/users");
    expect(await fresh.signInLink(email)).toMatch(/\/auth\/magic-link\/verify\?token=/);
  });
});

/**
 * Runs `work` while `admins` are the only enabled instance admins: any other
 * (made by another test of this run) is demoted meanwhile and restored after.
 */
async function withOnlyAdmins(admins: string[], work: () => Promise<void>): Promise<void> {
  const others = await prisma().user.findMany({ where: { isAdmin: true, disabledAt: null, id: { notIn: admins } }, select: { id: true } });
  await prisma().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { isAdmin: false } });
  try {
    await work();
  } finally {
    await prisma().user.updateMany({ where: { id: { in: others.map((o) => o.id) } }, data: { isAdmin: true } });
  }
}

describe("the last enabled instance admin", () => {
  it("cannot be unmade nor disabled; with a second admin, can", async () => {
    const a = await newUser({ isAdmin: true });
    const b = await newUser();
    await withOnlyAdmins([a.id], async () => {
      await expect(setInstanceAdmin(a.id, false, a.actor)).rejects.toBeInstanceOf(LastAdminError);
      await expect(setDisabled(a.id, true, a.actor, { keepAnAdmin: true })).rejects.toBeInstanceOf(LastAdminError);
      expect(await findUser(a.email)).toMatchObject({ isAdmin: true, disabledAt: null });

      await setInstanceAdmin(b.id, true, a.actor);
      expect(await lastEntry(undefined)).toEqual({ actorId: a.email, action: "user.update", objectType: "user", objectId: b.email, before: { isAdmin: false }, after: { isAdmin: true } });
      await setDisabled(a.id, true, b.actor, { keepAnAdmin: true });
      expect(await lastEntry(undefined)).toEqual({ actorId: b.email, action: "user.disable", objectType: "user", objectId: a.email, before: { disabled: false }, after: { disabled: true } });
      // A disabled admin is no admin to keep: b is the last enabled one now.
      await expect(setInstanceAdmin(b.id, false, b.actor)).rejects.toBeInstanceOf(LastAdminError);
      await setInstanceAdmin(a.id, false, b.actor);
      await setDisabled(a.id, false, b.actor);
      expect(await findUser(a.email)).toMatchObject({ isAdmin: false, disabledAt: null });
    });
  });

  it("can be disabled without keepAnAdmin (the command line's way out; the next start prints a setup link)", async () => {
    const a = await newUser({ isAdmin: true });
    await withOnlyAdmins([a.id], async () => {
      await setDisabled(a.id, true, SYSTEM);
      expect(await findUser(a.email)).toMatchObject({ isAdmin: true, disabledAt: expect.any(Date) });
      await setDisabled(a.id, false, SYSTEM);
    });
  });

  it("survives two admins unmaking each other at once: exactly one wins", async () => {
    const a = await newUser({ isAdmin: true });
    const b = await newUser({ isAdmin: true });
    await withOnlyAdmins([a.id, b.id], async () => {
      const results = await Promise.allSettled([setInstanceAdmin(b.id, false, a.actor), setInstanceAdmin(a.id, false, b.actor)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const refused = results.filter((r) => r.status === "rejected");
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(LastAdminError);
      expect(await prisma().user.count({ where: { id: { in: [a.id, b.id] }, isAdmin: true } })).toBe(1);
    });
  });

  it("disabling ends the user's sessions", async () => {
    const admin = await newUser({ isAdmin: true });
    const user = await newUser();
    await prisma().session.create({ data: { id: `s-${tag()}`, token: `t-${tag()}`, userId: user.id, expiresAt: new Date(Date.now() + 3600_000) } });
    await setDisabled(user.id, true, admin.actor);
    expect(await prisma().session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("auditLog", () => {
  it("pages newest first by id", async () => {
    const project = await newProject();
    const { actor } = await newUser();
    for (const name of ["k1", "k2", "k3"]) await createApiKey(project.id, name, "read", prisma(), actor);
    const first = await auditLog({ projectId: project.id, limit: 2 });
    expect(first.map((e) => (e.after as { name: string }).name)).toEqual(["k3", "k2"]);
    const rest = await auditLog({ projectId: project.id, limit: 2, before: first[1]!.id });
    expect(rest.map((e) => (e.after as { name: string }).name)).toEqual(["k1"]);
  });
});
