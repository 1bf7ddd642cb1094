/**
 * Users and memberships: what the command line, `npm start` (the first admin)
 * and the admin pages do to them. Users are created through Better Auth's own
 * adapter (./core.ts), so the rows and the password hash are exactly the ones
 * its sign-in reads.
 */
import { z } from "zod";
import { audit, type Actor } from "../audit";
import type { Prisma } from "../generated/prisma/client";
import { inTransaction, prisma, type Db } from "../db/prisma";
import { coreAuth, takeLink } from "./core";
import type { Role } from "./roles";

export const emailSchema = z.email("must be an email address").trim().toLowerCase().max(254);
export const passwordSchema = z.string().min(10, "a password has at least 10 characters").max(256, "a password has at most 256 characters");

export interface UserSummary {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  hasPassword: boolean;
  memberships: { project: string; role: Role }[];
}

async function context() {
  return (await coreAuth()).$context;
}

/** Sets (or replaces) the user's password; their other sessions stay unless `revoke`. */
export async function setPassword(userId: string, password: string, options: { revokeSessions?: boolean } = {}): Promise<void> {
  const ctx = await context();
  const hash = await ctx.password.hash(passwordSchema.parse(password));
  const credential = await ctx.internalAdapter.findCredentialAccount(userId);
  if (credential) await ctx.internalAdapter.updatePassword(userId, hash);
  else await ctx.internalAdapter.linkAccount({ userId, providerId: "credential", accountId: userId, password: hash });
  if (options.revokeSessions) await ctx.internalAdapter.deleteUserSessions(userId);
}

export class UserExistsError extends Error {
  override name = "UserExistsError";
}

/** A new user (no password: they sign in with a one-time link and choose one), with an optional first membership. */
export async function createUser(input: { email: string; name?: string; password?: string; isAdmin?: boolean; membership?: { projectId: number; role: Role } }, actor: Actor): Promise<string> {
  const email = emailSchema.parse(input.email);
  const ctx = await context();
  if (await ctx.internalAdapter.findUserByEmail(email)) throw new UserExistsError(`a user with the email ${email} exists`);
  const user = await ctx.internalAdapter.createUser({ email, name: input.name?.trim() || email.split("@")[0]!, emailVerified: true, isAdmin: input.isAdmin ?? false }, { method: "admin" });
  if (input.password !== undefined) await setPassword(user.id, input.password);
  await inTransaction(prisma(), async (tx) => {
    await audit({ actor, projectId: null, action: "user.create", objectType: "user", objectId: email, after: { email, isAdmin: input.isAdmin ?? false } }, tx);
    if (input.membership) await setRole(input.membership.projectId, user.id, input.membership.role, actor, tx);
  });
  return user.id;
}

/** The instance admin of IB_ADMIN_EMAIL / IB_ADMIN_PASSWORD: created, or made admin again with that password. */
export async function ensureAdmin(email: string, password: string): Promise<"created" | "updated"> {
  const actor: Actor = { type: "system", id: "IB_ADMIN_EMAIL" };
  const existing = await findUser(email);
  if (!existing) {
    await createUser({ email, password, isAdmin: true }, actor);
    return "created";
  }
  await prisma().user.update({ where: { id: existing.id }, data: { isAdmin: true, disabledAt: null } });
  await setPassword(existing.id, password);
  await audit({ actor, projectId: null, action: "user.update", objectType: "user", objectId: existing.email, before: { isAdmin: existing.isAdmin, disabled: existing.disabledAt !== null }, after: { isAdmin: true, disabled: false } });
  return "updated";
}

export async function findUser(email: string, db: Db = prisma()): Promise<{ id: string; email: string; isAdmin: boolean; disabledAt: Date | null } | null> {
  return db.user.findUnique({ where: { email: emailSchema.parse(email) }, select: { id: true, email: true, isAdmin: true, disabledAt: true } });
}

/** Whether any enabled instance admin exists (until one does, the server answers only this machine). */
export async function adminExists(db: Db = prisma()): Promise<boolean> {
  return (await db.user.count({ where: { isAdmin: true, disabledAt: null } })) > 0;
}

export async function listUsers(db: Db = prisma()): Promise<UserSummary[]> {
  const users = await db.user.findMany({
    orderBy: { email: "asc" },
    select: {
      id: true, email: true, name: true, isAdmin: true, disabledAt: true, createdAt: true,
      accounts: { where: { providerId: "credential" }, select: { id: true } },
      memberships: { select: { role: true, project: { select: { name: true } } }, orderBy: { project: { name: "asc" } } },
    },
  });
  return users.map(({ accounts, memberships, ...user }) => ({
    ...user,
    hasPassword: accounts.length > 0,
    memberships: memberships.map((m) => ({ project: m.project.name, role: m.role })),
  }));
}

/** Gives the user this role in the project (adding them when not a member); the role they had before, null when they were not a member. */
export async function setRole(projectId: number, userId: string, role: Role, actor: Actor, db: Db = prisma()): Promise<Role | null> {
  return inTransaction(db, async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
    const before = await tx.membership.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { role: true } });
    if (before?.role === role) return role;
    await tx.membership.upsert({ where: { projectId_userId: { projectId, userId } }, create: { projectId, userId, role }, update: { role } });
    await audit({ actor, projectId, action: before ? "member.role" : "member.add", objectType: "member", objectId: user.email, before: before ? { role: before.role } : null, after: { role } }, tx);
    return before?.role ?? null;
  });
}

/** Makes the user an instance admin, or no longer one; false when that was already so. Never the last enabled admin (LastAdminError). */
export async function setInstanceAdmin(userId: string, isAdmin: boolean, actor: Actor): Promise<boolean> {
  return inTransaction(prisma(), async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, isAdmin: true, disabledAt: true } });
    if (user.isAdmin === isAdmin) return false;
    if (!isAdmin && user.disabledAt === null) await keepAnAdmin(tx, userId);
    await tx.user.update({ where: { id: userId }, data: { isAdmin } });
    await audit({ actor, projectId: null, action: "user.update", objectType: "user", objectId: user.email, before: { isAdmin: user.isAdmin }, after: { isAdmin } }, tx);
    return true;
  });
}

/** Changes a member's role; "missing" when they are not a member (nobody is added this way). */
export async function changeMemberRole(projectId: number, userId: string, role: Role, actor: Actor): Promise<"changed" | "same" | "missing"> {
  return inTransaction(prisma(), async (tx) => {
    const member = await tx.membership.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { role: true } });
    if (!member) return "missing";
    if (member.role === role) return "same";
    await setRole(projectId, userId, role, actor, tx);
    return "changed";
  });
}

/** Removes the user from the project; false when they were not a member. */
export async function removeMember(projectId: number, userId: string, actor: Actor, db: Db = prisma()): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const membership = await tx.membership.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { role: true, user: { select: { email: true } } } });
    if (!membership) return false;
    await tx.membership.delete({ where: { projectId_userId: { projectId, userId } } });
    await audit({ actor, projectId, action: "member.remove", objectType: "member", objectId: membership.user.email, before: { role: membership.role }, after: null }, tx);
    return true;
  });
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  hasPassword: boolean;
}

export async function listMembers(projectId: number, db: Db = prisma()): Promise<Member[]> {
  const rows = await db.membership.findMany({
    where: { projectId },
    select: { role: true, user: { select: { id: true, email: true, name: true, disabledAt: true, accounts: { where: { providerId: "credential" }, select: { id: true } } } } },
    orderBy: { user: { email: "asc" } },
  });
  return rows.map((row) => ({ userId: row.user.id, email: row.user.email, name: row.user.name, role: row.role, disabled: row.user.disabledAt !== null, hasPassword: row.user.accounts.length > 0 }));
}

export class LastAdminError extends Error {
  override name = "LastAdminError";
  constructor() {
    super("this is the last enabled instance admin: make another user an admin first");
  }
}

/**
 * Locks the enabled instance admins' rows for the rest of the transaction and
 * refuses when `userId` is the only one: two admins removing each other at
 * once cannot leave none (the second waits for the first, then sees one left).
 */
async function keepAnAdmin(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE is_admin AND disabled_at IS NULL ORDER BY id FOR UPDATE`;
  if (admins.length === 1 && admins[0]!.id === userId) throw new LastAdminError();
}

/**
 * Disables (or enables again) a user; disabling deletes every session of
 * theirs at once. With `keepAnAdmin` (the admin pages) the last enabled
 * instance admin cannot be disabled (LastAdminError); the command line may,
 * and the next `npm start` then prints a setup link for a new first admin.
 */
export async function setDisabled(userId: string, disabled: boolean, actor: Actor, options: { keepAnAdmin?: boolean } = {}): Promise<void> {
  const ctx = await context();
  await inTransaction(prisma(), async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, disabledAt: true, isAdmin: true } });
    if ((user.disabledAt !== null) === disabled) return;
    if (disabled && user.isAdmin && options.keepAnAdmin) await keepAnAdmin(tx, userId);
    await tx.user.update({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
    await audit({ actor, projectId: null, action: disabled ? "user.disable" : "user.enable", objectType: "user", objectId: user.email, before: { disabled: !disabled }, after: { disabled } }, tx);
  });
  if (disabled) await ctx.internalAdapter.deleteUserSessions(userId);
}

export type Invitation = { created: true; link: string } | { created: false; alreadyMember: boolean };

/**
 * Invites `email` into the project with `role`: a new user is created and gets
 * a one-time sign-in link (returned to show once: it is never mailed); an
 * existing user is just added (or keeps their membership when already one).
 */
export async function inviteMember(projectId: number, email: string, role: Role, actor: Actor): Promise<Invitation> {
  const address = emailSchema.parse(email);
  const existing = await findUser(address);
  if (!existing) {
    try {
      await createUser({ email: address, membership: { projectId, role } }, actor);
      return { created: true, link: await signInLink(address) };
    } catch (error) {
      if (!(error instanceof UserExistsError)) throw error;
      // Created by someone else in the meantime: add them like any existing user.
    }
  }
  const user = existing ?? (await findUser(address))!;
  const member = await prisma().membership.findUnique({ where: { projectId_userId: { projectId, userId: user.id } }, select: { role: true } });
  if (member) return { created: false, alreadyMember: true };
  await setRole(projectId, user.id, role, actor);
  return { created: false, alreadyMember: false };
}

/**
 * A one-time sign-in link for an existing user (an invitation, or a user made
 * on the command line without a password), valid LINK_SECONDS; `next` is the
 * path it lands on after signing in.
 */
export async function signInLink(email: string, next = "/account?welcome=1"): Promise<string> {
  const auth = await coreAuth();
  await auth.api.signInMagicLink({ body: { email: emailSchema.parse(email), callbackURL: next, errorCallbackURL: "/sign-in?link=invalid" }, headers: new Headers() });
  const url = takeLink(email);
  if (!url) throw new Error("the sign-in link was not made");
  return url;
}
