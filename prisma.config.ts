import { defineConfig } from "prisma/config";

// Used by `prisma generate` (offline: the client needs no native engine) and,
// on a machine with network access, by the standard `prisma migrate deploy`.
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/interaction_browser" },
});
