import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { z } from "zod";
import { SignInForm } from "@/components/auth/sign-in-form";
import { Notice } from "@/components/notice";
import { currentUser } from "@/lib/auth/access";
import { safeNext } from "@/lib/auth/redirect";

export const metadata: Metadata = { title: "Sign in" };

const paramsSchema = z.object({
  next: z.string().max(2000).optional().catch(undefined),
  link: z.enum(["invalid"]).optional().catch(undefined),
  error: z.string().max(200).optional().catch(undefined),
});

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  const params = paramsSchema.parse({ next: first(raw.next), link: first(raw.link), error: first(raw.error) });
  const next = safeNext(params.next);
  if (await currentUser()) redirect(next);
  return (
    <section className="mx-auto max-w-sm space-y-5">
      <h1 className="text-2xl font-semibold tracking-tight">Sign in</h1>
      {params.link || params.error ? <Notice testId="link-notice">That sign-in link is invalid, used or expired. Ask an admin for a new one, or sign in with your password.</Notice> : null}
      <SignInForm next={next} />
    </section>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
