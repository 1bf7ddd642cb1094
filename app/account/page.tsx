import type { Metadata } from "next";
import { PasswordForm } from "@/components/auth/password-form";
import { Notice } from "@/components/notice";
import { requireUser, visibleProjects } from "@/lib/auth/access";
import { auth } from "@/lib/auth/server";
import { enumParam, parseSearchParams } from "@/lib/url-state";
import { signOutEverywhere } from "./actions";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const { welcome } = parseSearchParams({ welcome: enumParam(["0", "1"], "0") }, await searchParams);
  const ctx = await (await auth()).$context;
  const hasPassword = Boolean((await ctx.internalAdapter.findCredentialAccount(user.id))?.password);
  const projects = await visibleProjects(user);
  return (
    <section className="max-w-xl space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold tracking-tight">Your account</h1>
        <p className="text-muted">
          Signed in as <strong className="font-medium text-ink">{user.email}</strong>
          {user.isAdmin ? " (instance admin)" : ""}.
        </p>
        {welcome === "1" && !hasPassword ? <Notice>Welcome. Choose a password so that you can sign in again without a link.</Notice> : null}
      </div>
      <div className="space-y-2">
        <h2 className="text-lg font-semibold">Projects</h2>
        {projects.length === 0 ? (
          <p className="text-muted">None yet: ask an admin to add you to a project.</p>
        ) : (
          <ul className="list-inside list-disc text-sm">
            {projects.map((p) => (
              <li key={p.name}>
                <a className="text-accent underline-offset-2 hover:underline" href={`/projects/${encodeURIComponent(p.name)}`}>{p.name}</a>: {p.role}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="space-y-3">
        <h2 className="text-lg font-semibold">{hasPassword ? "Change your password" : "Choose a password"}</h2>
        <PasswordForm hasPassword={hasPassword} />
      </div>
      <div className="space-y-3">
        <h2 className="text-lg font-semibold">Sessions</h2>
        <p className="text-sm text-muted">Signs you out on every browser and device, this one included.</p>
        <form action={signOutEverywhere}>
          <button type="submit" className="rounded-md border border-line bg-white px-4 py-2 text-sm font-medium text-ink hover:bg-gray-50">Sign out everywhere</button>
        </form>
      </div>
    </section>
  );
}
