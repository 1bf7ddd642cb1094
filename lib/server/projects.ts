import "server-only";
import { notFound } from "next/navigation";
import { pool } from "../db/pool";
import { loadProject, type ProjectContext } from "../projects";

export { listProjects, type ProjectSummary } from "../projects";

/** The project named in the URL, or the 404 page. */
export async function projectOr404(name: string): Promise<ProjectContext> {
  const project = await loadProject(pool(), decodeURIComponent(name));
  if (!project) notFound();
  return project;
}
