/**
 * The secret that signs session cookies: IB_AUTH_SECRET, or one generated on
 * first need and kept in the database (instance_secrets), so every process of
 * the instance (the server, the command line) signs alike with nothing to
 * configure. Whoever can read that table can already read every session.
 */
import { randomBytes } from "node:crypto";
import { readEnv } from "../config";
import { prisma } from "../db/prisma";

const NAME = "auth_secret";

export async function authSecret(): Promise<string> {
  const configured = readEnv().IB_AUTH_SECRET;
  if (configured) return configured;
  const db = prisma();
  // Two processes starting at once: the first insert wins and both read it.
  await db.instanceSecret.createMany({ data: [{ name: NAME, value: randomBytes(32).toString("base64url") }], skipDuplicates: true });
  const row = await db.instanceSecret.findUniqueOrThrow({ where: { name: NAME }, select: { value: true } });
  return row.value;
}
