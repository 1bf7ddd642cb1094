/**
 * `npm run db:migration -- NAME [--from FILE]`: writes the SQL that takes the
 * last committed schema (or FILE) to the working schema (the files of
 * prisma/schema/, read as one) as a new migration folder. Prisma 7's differ needs a native engine that cannot be
 * downloaded offline; Prisma 6.19's WebAssembly engine diffs two schema files
 * with no download, so it is installed on demand in .data/prisma-differ.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { closePool } from "../lib/db/pool";
import { openDatabase } from "../lib/db/server";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const tool = path.join(root, ".data", "prisma-differ");
const name = z.string().regex(/^[a-z0-9_]+$/, "name the migration with lower-case letters, digits and '_'").parse(process.argv[2]);
const fromIndex = process.argv.indexOf("--from");
const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });

/** A multi-file schema as one file (one generator, one datasource, every model): what the differ reads. */
const joined = (files: string[], read: (file: string) => string) => files.sort().map(read).join("\n");

function workingSchema(): string {
  const dir = path.join(root, "prisma", "schema");
  if (!existsSync(dir)) return readFileSync(path.join(root, "prisma", "schema.prisma"), "utf8");
  return joined(readdirSync(dir).filter((file) => file.endsWith(".prisma")), (file) => readFileSync(path.join(dir, file), "utf8"));
}

/** The schema of the last commit: prisma/schema/*.prisma, or the single prisma/schema.prisma of older commits. */
function committedSchema(): string {
  const files = git("ls-tree", "--name-only", "HEAD", "prisma/schema/").split("\n").filter((file) => file.endsWith(".prisma"));
  return files.length > 0 ? joined(files, (file) => git("show", `HEAD:${file}`)) : git("show", "HEAD:prisma/schema.prisma");
}

const previous = fromIndex > 0 ? readFileSync(process.argv[fromIndex + 1]!, "utf8") : committedSchema();

// Prisma 6 wants a datasource url in the schema; Prisma 7 keeps it in prisma.config.ts.
const withUrl = (schema: string) => schema.replace(/provider\s*=\s*"postgresql"/, `provider = "postgresql"\n  url = env("DATABASE_URL")`);

if (!existsSync(path.join(tool, "node_modules", "prisma"))) {
  mkdirSync(tool, { recursive: true });
  writeFileSync(path.join(tool, "package.json"), JSON.stringify({ private: true, type: "module" }));
  execFileSync("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "prisma@6.19.3", "@prisma/adapter-pg@7.10.1"], { cwd: tool, stdio: "inherit" });
}
writeFileSync(path.join(tool, "from.prisma"), withUrl(previous));
writeFileSync(path.join(tool, "to.prisma"), withUrl(workingSchema()));
writeFileSync(
  path.join(tool, "prisma.config.ts"),
  `import { PrismaPg } from "@prisma/adapter-pg";
export default { experimental: { adapter: true }, engine: "js", schema: "to.prisma",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }) };\n`,
);

const database = await openDatabase();
try {
  const diff = spawnSync(
    path.join(tool, "node_modules", ".bin", "prisma"),
    ["migrate", "diff", "--from-schema-datamodel", "from.prisma", "--to-schema-datamodel", "to.prisma", "--script"],
    { cwd: tool, encoding: "utf8", env: { ...process.env, DATABASE_URL: database.url, PRISMA_QUERY_ENGINE_LIBRARY: process.execPath, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath } },
  );
  if (diff.status !== 0) throw new Error(`prisma migrate diff failed:\n${diff.stderr}`);
  const sql = diff.stdout.trim();
  if (sql === "" || sql === "-- This is an empty migration.") {
    console.log("no schema changes: nothing written");
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(root, "prisma", "migrations", `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
    console.log(`wrote ${path.relative(root, dir)}/migration.sql: review it, then commit it with the schema`);
  }
} finally {
  await closePool();
  await database.stop();
}
