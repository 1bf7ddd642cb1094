import type { Metadata } from "next";
import { z } from "zod";
import { SetupForm } from "@/components/auth/setup-form";
import { setupTokenValid } from "@/lib/auth/first-admin";

export const metadata: Metadata = { title: "Create the first admin" };

/** The one-time link `npm start` prints on a fresh install; without its token this page says nothing more. */
export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = z.string().max(100).catch("").parse((await searchParams).token);
  const valid = token ? await setupTokenValid(token) : false;
  return (
    <section className="mx-auto max-w-sm space-y-5">
      <h1 className="text-2xl font-semibold tracking-tight">Create the first admin</h1>
      {valid ? (
        <>
          <p className="text-sm text-muted">This instance has no admin yet. Choose the email and password you will sign in with; you can add everyone else afterwards.</p>
          <SetupForm token={token} />
        </>
      ) : (
        <p className="text-muted" data-testid="setup-invalid">This setup link is not valid. Use the link that <code>npm start</code> printed most recently, or sign in.</p>
      )}
    </section>
  );
}
