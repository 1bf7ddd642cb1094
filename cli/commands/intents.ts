/**
 * `ib intents import FILE.json [--project P]`: upserts a project's taxonomy
 * from `{"intents": [...]}` (the body of PUT /api/v1/intents), validated with
 * `taxonomySchema` and stored with `upsertIntents`, in one transaction. A
 * changed guideline becomes a new version; older versions stay.
 */
import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { formatPath } from "../../lib/ingest/jsonl";
import { upsertIntents } from "../../lib/taxonomy/intents";
import { taxonomySchema } from "../../lib/validations/taxonomy";
import { parseOptions, UsageError } from "../args";
import { resolveProject } from "../project-option";
import { projectNameSchema, withDatabase } from "./project";

const USAGE = "usage: intents import FILE.json [--project P]";
/** A taxonomy is at most 1000 intents of at most ~25 KB each. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** Reads and validates a taxonomy file; every problem is reported with its path. */
async function readTaxonomy(file: string) {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new UsageError(`not a file: ${file}`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  if (size > MAX_FILE_BYTES) throw new UsageError(`${file} is ${size} bytes: a taxonomy file is at most ${MAX_FILE_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse((await readFile(file, "utf8")).replace(/^\ufeff/, ""));
  } catch (error) {
    throw new UsageError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
  const parsed = taxonomySchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${formatPath(issue.path) || "(file)"}: ${issue.message}`);
    throw new UsageError(`${file}: not a valid taxonomy ({"intents": [{"id", "label", "description", "policy", "rubric"}]}):\n${problems.join("\n")}`);
  }
  return parsed.data;
}

export async function intentsCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action !== "import") throw new UsageError(USAGE);
  const { values, positionals } = parseOptions(rest, { project: { type: "string" } }, z.object({ project: projectNameSchema.optional() }));
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const file = positionals[0]!;
  const taxonomy = await readTaxonomy(file);
  await withDatabase(async () => {
    const project = await resolveProject(values.project, (line) => console.error(line));
    const result = await upsertIntents(project.id, taxonomy.intents);
    console.log(`intents of project '${project.name}' from ${file}: ${result.created.length} created, ${result.newVersion.length} new guideline version, ${result.unchanged.length} unchanged`);
    if (result.created.length > 0) console.log(`  created: ${result.created.join(", ")}`);
    if (result.newVersion.length > 0) console.log(`  new guideline version: ${result.newVersion.join(", ")}`);
  });
}
