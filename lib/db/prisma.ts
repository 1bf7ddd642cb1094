import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient, type Prisma } from "../generated/prisma/client";
import { pool } from "./pool";

/** The Prisma client, or a transaction of it: what the small-table functions take. */
export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * A Prisma client over an existing pg pool. @prisma/adapter-pg accepts the
 * pool itself, so Prisma and the set-based SQL share one set of connections
 * (one limit, one place that survives a database restart); the adapter never
 * ends a pool it was given.
 */
export function prismaOver(db: pg.Pool): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg(db) });
}

// One client per pool, reused across hot reloads and requests; a new pool (after closePool) gets a new client.
const globalForPrisma = globalThis as unknown as { ibPrisma?: { client: PrismaClient; pool: pg.Pool } };

/** The process's Prisma client, over the process's pool (lib/db/pool.ts). */
export function prisma(): PrismaClient {
  const current = pool();
  if (globalForPrisma.ibPrisma?.pool !== current) globalForPrisma.ibPrisma = { client: prismaOver(current), pool: current };
  return globalForPrisma.ibPrisma.client;
}

/**
 * Runs `work` in a transaction: the one given, or a new one. Prisma's default
 * limits (2 s to get a connection, 5 s in all) are too tight for a taxonomy
 * of a thousand intents on a busy pool.
 */
export function inTransaction<T>(db: Db, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return "$transaction" in db ? db.$transaction(work, { maxWait: 10_000, timeout: 60_000 }) : work(db);
}
