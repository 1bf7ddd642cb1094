import type { Metadata } from "next";
import { CreateProjectForm, ProjectLink, RenameProjectForm } from "@/components/admin/project-forms";
import { Notice } from "@/components/notice";
import { requireInstanceAdmin } from "@/lib/auth/access";
import { count } from "@/lib/format";
import { projectCaseCounts } from "@/lib/projects";
import { projectNameSchema } from "@/lib/validations/project";
import { create, rename } from "./actions";

export const metadata: Metadata = { title: "Projects" };

/** The "renamed" notice of the URL after a rename, when both names are project names (anything else is ignored). */
function renamed(params: Record<string, string | string[] | undefined>): { from: string; to: string } | null {
  const from = projectNameSchema.safeParse(params.renamed);
  const to = projectNameSchema.safeParse(params.to);
  return from.success && to.success ? { from: from.data, to: to.data } : null;
}

export default async function AdminProjectsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireInstanceAdmin();
  const projects = await projectCaseCounts();
  const notice = renamed(await searchParams);
  return (
    <div className="space-y-8">
      <section aria-labelledby="create-heading" className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight">Projects</h1>
        {notice ? (
          <Notice testId="renamed">
            Renamed {notice.from} to <ProjectLink name={notice.to} />: its pages are now under /projects/{notice.to}.
          </Notice>
        ) : null}
        <h2 id="create-heading" className="text-lg font-semibold">New project</h2>
        <CreateProjectForm action={create} />
      </section>
      <section aria-labelledby="projects-heading" className="space-y-3">
        <h2 id="projects-heading" className="text-lg font-semibold">Every project</h2>
        <table className="w-full text-left text-sm">
          <thead className="border-b border-line text-muted">
            <tr>
              <th scope="col" className="py-2 pr-4 font-medium">Project</th>
              <th scope="col" className="py-2 pr-4 text-right font-medium">Cases</th>
              <th scope="col" className="py-2 font-medium">Rename</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.name} className="border-b border-line align-top" data-testid="project-row">
                <td className="py-2 pr-4"><ProjectLink name={project.name} /></td>
                <td className="py-2 pr-4 text-right tabular-nums">{count(project.cases)}</td>
                {/* keyed by name: a renamed project's form starts afresh */}
                <td className="py-2"><RenameProjectForm key={project.name} project={project.name} action={rename} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
