"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Project switcher and the project's pages. */
export function ProjectNav({ project, projects, role, manage }: { project: string; projects: string[]; role: string; manage: boolean }) {
  const pathname = usePathname();
  const base = `/projects/${encodeURIComponent(project)}`;
  const links = [
    { href: base, label: "Leaderboard" },
    { href: `${base}/compare`, label: "Compare runs" },
    { href: `${base}/confusion`, label: "Confusion matrix" },
    { href: `${base}/cases`, label: "Cases" },
    { href: `${base}/inbox`, label: "Inbox" },
    { href: `${base}/guidelines`, label: "Guidelines" },
    { href: `${base}/judges`, label: "Judges" },
    ...(manage
      ? [
          { href: `${base}/members`, label: "Members" },
          { href: `${base}/api-keys`, label: "API keys" },
          { href: `${base}/audit`, label: "Audit log" },
        ]
      : []),
  ];
  return (
    <nav aria-label="Project" className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-line pb-3">
      <span className="text-sm text-muted">
        Project{" "}
        {projects.length > 1 ? (
          <span className="inline-flex gap-2">
            {projects.map((name) => (
              <Link key={name} href={`/projects/${encodeURIComponent(name)}`} aria-current={name === project ? "page" : undefined} className={name === project ? "font-semibold text-ink" : "text-accent underline-offset-2 hover:underline"}>
                {name}
              </Link>
            ))}
          </span>
        ) : (
          <strong className="font-semibold text-ink">{project}</strong>
        )}
      </span>
      <ul className="flex gap-1">
        {links.map((link) => {
          const active = link.href === base ? pathname === base : pathname.startsWith(link.href);
          return (
            <li key={link.href}>
              <Link href={link.href} aria-current={active ? "page" : undefined} className={`rounded px-3 py-1.5 text-sm ${active ? "bg-ink text-white" : "text-ink hover:bg-white"}`}>
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
      <span className="ml-auto text-sm text-muted" data-testid="project-role">
        Your role: <strong className="font-medium text-ink">{role}</strong>
      </span>
    </nav>
  );
}
