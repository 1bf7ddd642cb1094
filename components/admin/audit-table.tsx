import Link from "next/link";
import { auditValue, type AuditPage } from "@/lib/audit";
import { moment } from "@/lib/format";
import { Name } from "../name";

/** Audit entries, newest first, with a link to the older ones (keyset paging by id). */
export function AuditTable({ page, basePath, showProject }: { page: AuditPage; basePath: string; showProject: boolean }) {
  if (page.rows.length === 0) return <p className="text-muted">No entries.</p>;
  return (
    <div className="space-y-4">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-line text-muted">
          <tr>
            {["When", "Who", ...(showProject ? ["Project"] : []), "Action", "Object", "Before → after"].map((title) => (
              <th key={title} scope="col" className="py-2 pr-4 font-medium">{title}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {page.rows.map((row) => (
            <tr key={String(row.id)} className="border-b border-line align-top" data-testid="audit-row">
              <td className="py-2 pr-4 whitespace-nowrap">{moment(row.createdAt)}</td>
              <td className="py-2 pr-4">{row.actorType === "user" ? <Name text={row.actorId ?? "?"} /> : <span className="text-muted">{row.actorType}: <Name text={row.actorId ?? "?"} /></span>}</td>
              {showProject ? <td className="py-2 pr-4">{row.project ? <Name text={row.project} /> : <span className="text-muted">{row.projectId === null ? "instance" : `#${row.projectId}`}</span>}</td> : null}
              <td className="py-2 pr-4 font-mono text-xs">{row.action}</td>
              <td className="py-2 pr-4">{row.objectType} <Name text={row.objectId} /></td>
              <td className="py-2 font-mono text-xs break-all">
                <bdi>{auditValue(row.before)}</bdi> → <bdi>{auditValue(row.after)}</bdi>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Audit log pages" className="flex gap-4 text-sm">
        <Link href={basePath} className="text-accent underline-offset-2 hover:underline">Newest</Link>
        {page.next !== null ? <Link href={`${basePath}?before=${page.next}`} className="text-accent underline-offset-2 hover:underline">Older entries</Link> : null}
      </nav>
    </div>
  );
}
