import { pool } from "../lib/db/pool";
import { loadProject, projectNames, type ProjectContext } from "../lib/projects";
import { UsageError } from "./args";

/**
 * The project named by --project, or the only project when none is named. A
 * project is never created here: `project create` does that, deliberately.
 */
export async function resolveProject(name: string | undefined, note: (line: string) => void): Promise<ProjectContext> {
  if (name !== undefined) {
    const project = await loadProject(pool(), name);
    if (!project) throw new UsageError(`project '${name}' does not exist: create it with \`npm run ib -- project create ${name}\``);
    return project;
  }
  const names = await projectNames(6);
  if (names.length === 0) throw new UsageError("no project exists yet: create one with `npm run ib -- project create NAME`, then pass --project NAME");
  if (names.length > 1) {
    const shown = names.slice(0, 5).map((each) => `'${each}'`).join(", ");
    throw new UsageError(`--project is required when more than one project exists (${shown}${names.length > 5 ? ", ..." : ""})`);
  }
  note(`no --project given: using '${names[0]}', the only project`);
  return (await loadProject(pool(), names[0]!))!;
}
