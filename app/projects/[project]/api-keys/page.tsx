import type { Metadata } from "next";
import { ApiKeyForm } from "@/components/admin/api-key-form";
import { ApiKeyTable } from "@/components/admin/api-key-table";
import { API_KEY_SCOPES, listApiKeys } from "@/lib/api/keys";
import { projectAccess } from "@/lib/auth/access";
import { createKey, revokeKey } from "./actions";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ params }: { params: Promise<{ project: string }> }) {
  const { project: name } = await params;
  const { project } = await projectAccess(name, "admin");
  const keys = await listApiKeys(project.id);
  return (
    <div className="space-y-8">
      <section aria-labelledby="new-key-heading" className="space-y-3">
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <h2 id="new-key-heading" className="text-lg font-semibold">New key</h2>
        <ApiKeyForm scopes={API_KEY_SCOPES} action={createKey.bind(null, project.name)} />
      </section>
      <section aria-labelledby="keys-heading" className="space-y-3">
        <h2 id="keys-heading" className="text-lg font-semibold">Keys of {project.name}</h2>
        <ApiKeyTable project={project.name} keys={keys} revoke={revokeKey.bind(null, project.name)} />
      </section>
    </div>
  );
}
