import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Every unknown page, and every page path that no project or page can have (see lib/http/guard.ts). */
export default function NotFound() {
  return (
    <div className="max-w-xl space-y-3">
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-muted">There is no page at this address, or no project by this name that you can see.</p>
      <p>
        <Link href="/" className="font-medium text-ink underline underline-offset-2">All projects</Link>
      </p>
    </div>
  );
}
