"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/admin/projects", label: "Projects" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/audit", label: "Audit log" },
];

/** The instance admin's pages. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Instance admin" className="flex items-center gap-4 border-b border-line pb-3">
      <span className="text-sm text-muted">Instance admin</span>
      <ul className="flex gap-1">
        {LINKS.map((link) => {
          const active = pathname.startsWith(link.href);
          return (
            <li key={link.href}>
              <Link href={link.href} aria-current={active ? "page" : undefined} className={`rounded px-3 py-1.5 text-sm ${active ? "bg-ink text-white" : "text-ink hover:bg-white"}`}>
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
