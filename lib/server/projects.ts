import "server-only";
import { notFound } from "next/navigation";
import { pool } from "../db/pool";
import { loadProject, type ProjectContext } from "../projects";
import { projectNameSchema } from "../validations/project";

export { listProjects, type ProjectSummary } from "../projects";

/** The project named in the URL, or the 404 page. */
export async function projectOr404(name: string): Promise<ProjectContext> {
  // A name no project can have is a 404 without a query (a NUL or a stray
  // percent sign would otherwise reach PostgreSQL or decodeURIComponent).
  let decoded: string;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    notFound();
  }
  if (!projectNameSchema.safeParse(decoded).success) notFound();
  const project = await loadProject(pool(), decoded);
  if (!project) notFound();
  return project;
}
