import type { ReactNode } from "react";
import { ProjectNav } from "@/components/project-nav";
import { SimulatedNotice } from "@/components/simulated-notice";
import { projectAccess, visibleProjects } from "@/lib/auth/access";
import { atLeast } from "@/lib/auth/roles";

export default async function ProjectLayout({ children, params }: { children: ReactNode; params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  // Each page checks access itself too: a layout is not rendered again on every navigation.
  const { project, user, role } = await projectAccess(name);
  const projects = await visibleProjects(user);
  return (
    <div>
      <ProjectNav project={project.name} projects={projects.map((p) => p.name)} role={role} manage={atLeast(role, "admin")} />
      {project.simulated ? <SimulatedNotice /> : null}
      <div className="mt-6">{children}</div>
    </div>
  );
}
