import Link from "next/link";
import { redirect } from "next/navigation";
import { requireUser, visibleProjects } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

export default async function Home() {
  const user = await requireUser();
  const projects = await visibleProjects(user);
  const first = projects.find((p) => p.name === "demo") ?? projects[0];
  if (first) redirect(`/projects/${encodeURIComponent(first.name)}`);
  return (
    <section className="max-w-xl">
      <h1 className="text-2xl font-semibold">No projects yet</h1>
      {user.isAdmin ? (
        <p className="mt-3 text-muted">
          Create one on the <Link className="font-medium text-ink underline underline-offset-2" href="/admin/projects">projects page</Link> or with{" "}
          <code className="rounded bg-white px-1">npm run ib -- project create NAME</code>, then push an evaluation run through the API or{" "}
          <code className="rounded bg-white px-1">npm run ib -- import file.jsonl</code>.
        </p>
      ) : (
        <p className="mt-3 text-muted">You are not a member of any project yet. Ask an admin to add you to one.</p>
      )}
    </section>
  );
}
