import "server-only";
import { notFound } from "next/navigation";
import { pool } from "../db/pool";
import { loadProject, type ProjectContext } from "../projects";

export interface ProjectSummary {
  name: string;
  simulated: boolean;
}

export async function listProjects(): Promise<ProjectSummary[]> {
  const { rows } = await pool().query<{ name: string; simulated: boolean }>("SELECT name, simulated FROM projects ORDER BY name");
  return rows;
}

/** The project named in the URL, or the 404 page. */
export async function projectOr404(name: string): Promise<ProjectContext & { simulated: boolean }> {
  const project = await loadProject(pool(), decodeURIComponent(name));
  if (!project) notFound();
  const { rows } = await pool().query<{ simulated: boolean }>("SELECT simulated FROM projects WHERE id = $1", [project.id]);
  return { ...project, simulated: rows[0]?.simulated ?? false };
}
