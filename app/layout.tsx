import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { currentUser } from "@/lib/auth/access";
import { signOut } from "./account/actions";
import "./globals.css";

// Every page is rendered per request, the not-found page too: each gets the
// fresh script nonce of its Content-Security-Policy (proxy.ts), which a page
// prerendered at build time could not carry.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Interaction Browser", template: "%s · Interaction Browser" },
  description: "How AI models classify and answer real customer messages, case by case.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-line bg-white">
          <div className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
            <Link href="/" className="text-base font-semibold tracking-tight text-ink">
              Interaction Browser
            </Link>
            {user ? (
              <nav aria-label="Account" className="ml-auto flex items-center gap-4 text-sm">
                {user.isAdmin ? (
                  <>
                    <Link href="/admin/projects" className="text-ink hover:underline">Projects</Link>
                    <Link href="/admin/users" className="text-ink hover:underline">Users</Link>
                    <Link href="/admin/audit" className="text-ink hover:underline">Audit log</Link>
                  </>
                ) : null}
                <Link href="/account" className="text-muted hover:underline" data-testid="signed-in-as">{user.email}</Link>
                <form action={signOut}>
                  <button type="submit" className="rounded border border-line px-2 py-1 text-ink hover:bg-gray-50">Sign out</button>
                </form>
              </nav>
            ) : null}
          </div>
        </header>
        <main id="main" className="mx-auto max-w-7xl px-6 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
