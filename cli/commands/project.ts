import { projectNameSchema } from "../../lib/validations/project";
import { closePool } from "../../lib/db/pool";
import { openDatabase } from "../../lib/db/server";
import { embeddedKeyEnv } from "../../lib/judging/secrets";
import { createProject, projectCaseCounts } from "../../lib/projects";
import { UsageError } from "../args";

export { projectNameSchema };

/** Runs `work` against the database (the embedded one is started, or attached to, for the duration). */
export async function withDatabase<T>(work: () => Promise<T>): Promise<T> {
  const database = await openDatabase();
  if (database.embedded) Object.assign(process.env, embeddedKeyEnv());
  process.env.DATABASE_URL = database.url;
  try {
    return await work();
  } finally {
    await closePool();
    await database.stop();
  }
}

export async function projectCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  if (action === "create") {
    const parsed = projectNameSchema.safeParse(rest[0] ?? "");
    if (!parsed.success || rest.length !== 1) throw new UsageError(`usage: project create NAME (${parsed.error?.issues[0]?.message ?? "one name"})`);
    await withDatabase(async () => {
      if (!(await createProject(parsed.data))) throw new UsageError(`project '${parsed.data}' already exists`);
      console.log(`created project '${parsed.data}'`);
    });
  } else if (action === "list") {
    await withDatabase(async () => {
      for (const row of await projectCaseCounts()) console.log(`${row.name}\t${row.cases} cases`);
    });
  } else {
    throw new UsageError("usage: project create NAME | project list");
  }
}
