import type { ReactNode } from "react";
import { ProjectNav } from "@/components/project-nav";
import { SimulatedNotice } from "@/components/simulated-notice";
import { listProjects, projectOr404 } from "@/lib/server/projects";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  const [project, projects] = await Promise.all([projectOr404(name), listProjects()]);
  return (
    <div>
      <ProjectNav project={project.name} projects={projects.map((p) => p.name)} />
      {project.simulated ? <SimulatedNotice /> : null}
      <div className="mt-6">{children}</div>
    </div>
  );
}
