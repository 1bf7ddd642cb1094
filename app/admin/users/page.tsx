import type { Metadata } from "next";
import { UserTable } from "@/components/admin/user-table";
import { requireInstanceAdmin } from "@/lib/auth/access";
import { listUsers } from "@/lib/auth/users";
import { disable, makeAdmin } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const me = await requireInstanceAdmin();
  const users = await listUsers();
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
      <p className="max-w-3xl text-sm text-muted">
        Instance admins create projects and see and manage every project. Add people to a project on its Members page,
        or with <code>npm run ib -- user create</code>. The last enabled instance admin cannot be unmade or disabled.
      </p>
      <UserTable users={users} me={me.id} disable={disable} makeAdmin={makeAdmin} />
    </section>
  );
}
