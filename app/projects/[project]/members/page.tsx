import type { Metadata } from "next";
import { InviteForm } from "@/components/admin/invite-form";
import { MemberTable } from "@/components/admin/member-table";
import { projectAccess } from "@/lib/auth/access";
import { listMembers } from "@/lib/auth/users";
import { changeRole, invite, remove } from "./actions";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  const { project } = await projectAccess(name, "admin");
  const members = await listMembers(project.id);
  return (
    <div className="space-y-8">
      <section aria-labelledby="invite-heading" className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight">Members</h1>
        <h2 id="invite-heading" className="text-lg font-semibold">Invite</h2>
        <p className="max-w-3xl text-sm text-muted">
          A new email gets an account and a one-time sign-in link, shown here once; someone who already has an account is just added.
          Viewers read; annotators also annotate; leads also correct ground truth, edit guidelines, run judges and export; admins also manage members, API keys and the project.
        </p>
        <InviteForm action={invite.bind(null, project.name)} />
      </section>
      <section aria-labelledby="members-heading" className="space-y-3">
        <h2 id="members-heading" className="text-lg font-semibold">Members of {project.name}</h2>
        {project.simulated ? <p className="text-sm text-muted">Every signed-in user can read this demo project; members get a stronger role.</p> : null}
        <MemberTable project={project.name} members={members} changeRole={changeRole.bind(null, project.name)} remove={remove.bind(null, project.name)} />
      </section>
    </div>
  );
}
