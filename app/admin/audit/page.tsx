import type { Metadata } from "next";
import { AuditTable } from "@/components/admin/audit-table";
import { Notice } from "@/components/notice";
import { requireInstanceAdmin } from "@/lib/auth/access";
import { auditPage, parseAuditCursor } from "@/lib/audit";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

export default async function InstanceAuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireInstanceAdmin();
  const cursor = parseAuditCursor((await searchParams).before);
  const page = await auditPage({ before: cursor.before, limit: PAGE_SIZE });
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
      <p className="text-sm text-muted">Every admin change of the instance and of every project, newest first.</p>
      {cursor.invalid ? <Notice>The page asked for is not an entry id: showing the newest entries.</Notice> : null}
      <AuditTable page={page} basePath="/admin/audit" showProject />
    </section>
  );
}
