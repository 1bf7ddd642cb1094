import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not allowed" };

/** A page of a project the user belongs to, beyond their role (lib/auth/access.ts). */
export default function Forbidden() {
  return (
    <div className="max-w-xl space-y-3">
      <h1 className="text-2xl font-semibold tracking-tight">Not allowed</h1>
      <p className="text-muted">Your role in this project does not include this page. A project admin can change your role.</p>
      <p>
        <Link href="/" className="font-medium text-ink underline underline-offset-2">All projects</Link>
      </p>
    </div>
  );
}
