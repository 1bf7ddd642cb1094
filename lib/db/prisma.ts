import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client";
import { databaseUrl } from "./pool";

// One client per process, reused across hot reloads and requests.
const globalForPrisma = globalThis as unknown as { ibPrisma?: PrismaClient };

export function prisma(): PrismaClient {
  globalForPrisma.ibPrisma ??= new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl(), max: 10 }) });
  return globalForPrisma.ibPrisma;
}

export async function disconnectPrisma(): Promise<void> {
  await globalForPrisma.ibPrisma?.$disconnect();
  globalForPrisma.ibPrisma = undefined;
}
