/**
 * The first admin of a fresh install. `npm start` either creates (or updates)
 * the admin of IB_ADMIN_EMAIL / IB_ADMIN_PASSWORD, or, while no admin exists,
 * prints a one-time setup link (like a notebook server's token link): whoever
 * opens it on this machine chooses the admin's email and password and is
 * signed in. A new start replaces the link; using it, or an admin appearing
 * any other way, ends it. Only a SHA-256 of the token is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readEnv } from "../config";
import { prisma } from "../db/prisma";
import { publicUrl } from "./core";
import { adminExists, createUser, ensureAdmin } from "./users";

const NAME = "first_admin_setup";
const digest = (token: string) => createHash("sha256").update(token).digest();

/**
 * Run by `npm start` before serving (so the admin of IB_ADMIN_EMAIL exists by
 * the first request); `log` prints to the terminal. Returns the setup link to
 * print once the server listens, or null.
 */
export async function prepareFirstAdmin(log: (line: string) => void): Promise<string | null> {
  const env = readEnv();
  if (env.IB_ADMIN_EMAIL && env.IB_ADMIN_PASSWORD) {
    const outcome = await ensureAdmin(env.IB_ADMIN_EMAIL, env.IB_ADMIN_PASSWORD);
    log(`instance admin ${env.IB_ADMIN_EMAIL} ${outcome} (IB_ADMIN_EMAIL)`);
    await prisma().instanceSecret.deleteMany({ where: { name: NAME } });
    return null;
  }
  if (env.IB_ADMIN_EMAIL || env.IB_ADMIN_PASSWORD) log("IB_ADMIN_EMAIL and IB_ADMIN_PASSWORD work together: set both, or neither");
  if (await adminExists()) return null;
  const token = randomBytes(32).toString("base64url");
  const value = digest(token).toString("hex");
  await prisma().instanceSecret.upsert({ where: { name: NAME }, create: { name: NAME, value }, update: { value, createdAt: new Date() } });
  return `${publicUrl()}/setup?token=${token}`;
}

/** Whether `token` is the current setup token and no admin exists yet. */
export async function setupTokenValid(token: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return false;
  const row = await prisma().instanceSecret.findUnique({ where: { name: NAME }, select: { value: true } });
  if (!row || (await adminExists())) return false;
  const expected = Buffer.from(row.value, "hex");
  const given = digest(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Creates the first admin with the token, once: the token row is deleted in
 * the same step that claims it, so two submissions cannot both succeed.
 */
export async function completeSetup(token: string, email: string, password: string): Promise<boolean> {
  if (!(await setupTokenValid(token))) return false;
  const { count } = await prisma().instanceSecret.deleteMany({ where: { name: NAME, value: digest(token).toString("hex") } });
  if (count !== 1) return false;
  await createUser({ email, password, isAdmin: true }, { type: "system", id: "first-admin setup" });
  return true;
}
