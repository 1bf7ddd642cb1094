import { redirect } from "next/navigation";
import { listProjects } from "@/lib/server/projects";

export const dynamic = "force-dynamic";

export default async function Home() {
  const projects = await listProjects();
  const first = projects.find((p) => p.name === "demo") ?? projects[0];
  if (first) redirect(`/projects/${encodeURIComponent(first.name)}`);
  return (
    <section className="max-w-xl">
      <h1 className="text-2xl font-semibold">No projects yet</h1>
      <p className="mt-3 text-muted">
        Create one with <code className="rounded bg-white px-1">npm run ib -- project create NAME</code>, then push an
        evaluation run through the API or <code className="rounded bg-white px-1">npm run ib -- import file.jsonl</code>.
      </p>
    </section>
  );
}
