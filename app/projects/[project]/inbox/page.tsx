import type { Metadata } from "next";
import { JudgeShown } from "@/components/judging/judge-view";
import { readPrimaryJudge } from "@/lib/judging/counted";
import Link from "next/link";
import { CaseTable, type CaseTableRow } from "@/components/cases/case-table";
import { Notice } from "@/components/notice";
import { shortName } from "@/components/name";
import { pool } from "@/lib/db/pool";
import { listRuns } from "@/lib/metrics/queries";
import { runVerdicts } from "@/lib/query/case-rows";
import { decodeCursor } from "@/lib/query/cursor";
import { INBOX_RULE, inboxCursorSchema, inboxPage } from "@/lib/query/inbox";
import { projectAccess } from "@/lib/auth/access";
import { textParam, parseSearchParams, type SearchParams } from "@/lib/url-state";
import { readCompletionFilter } from "@/lib/validations/filters";
import { excerpt } from "@/lib/text/excerpt";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Disagreement inbox" };

const PAGE_SIZE = 50;

function splitNote(row: { intentSplit: number; policySplit: number; predictedIntents: number; runs: number }): string {
  const parts = [];
  if (row.intentSplit > 0) parts.push(`intent ${row.intentSplit} vs ${row.runs - row.intentSplit}`);
  if (row.policySplit > 0) parts.push(`policy split ${row.policySplit}`);
  parts.push(`${row.predictedIntents} predicted intent${row.predictedIntents === 1 ? "" : "s"}`);
  return parts.join(" · ");
}

/** The cases the runs disagree on, most informative first; `run` (repeatable) narrows the runs compared. */
export default async function InboxPage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name } = await params;
  const { project } = await projectAccess(name);
  const raw = await searchParams;
  const db = pool();
  const runs = await listRuns(db, project.id);
  // The runs to compare: the filter parameter of the table, by the same name.
  const { filter, dropped } = readCompletionFilter({ run: raw.run });
  const chosen = filter.run ? runs.filter((run) => filter.run!.includes(run.name)) : runs;
  const unknown = (filter.run ?? []).filter((run) => !runs.some((r) => r.name === run));
  const { cursor } = parseSearchParams({ cursor: textParam(600) }, raw);
  const after = cursor === undefined ? null : decodeCursor(cursor, inboxCursorSchema);
  const page = chosen.length < 2 ? { items: [], total: 0, nextCursor: null } : await inboxPage(db, project.id, filter.run ? chosen.map((run) => run.id) : undefined, PAGE_SIZE, after);
  const shownRuns = chosen.map((run) => run.name);
  const verdicts = await runVerdicts(db, project.id, null, page.items.map((item) => item.id), shownRuns);
  const base = `/projects/${encodeURIComponent(project.name)}`;
  const context = new URLSearchParams([["from", "inbox"], ...(filter.run ? chosen.map((run): [string, string] => ["run", run.name]) : [])]);
  const rows: CaseTableRow[] = page.items.map((item) => ({
    caseId: item.caseId,
    href: `${base}/cases/${encodeURIComponent(item.caseId)}?${context}`,
    message: excerpt(item.message),
    expectedIntent: item.expectedIntent,
    tags: item.tags,
    verdicts: verdicts.get(item.id) ?? {},
    note: splitNote(item),
  }));
  const runQuery = new URLSearchParams(filter.run ? chosen.map((run): [string, string] => ["run", run.name]) : []);
  const next = page.nextCursor ? `${base}/inbox?${new URLSearchParams([...runQuery, ["cursor", page.nextCursor]])}` : null;

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Disagreement inbox</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted" data-testid="ranking-rule">{INBOX_RULE}</p>
        <JudgeShown primary={await readPrimaryJudge(pool(), project.id)} />
      </header>
      {dropped.length > 0 || unknown.length > 0 || (cursor !== undefined && after === null) ? (
        <Notice testId="dropped-parameters">Ignored in the address: {[...dropped.map((d) => `run (${d.reason})`), ...unknown.map((run) => `run “${shortName(run)}” (no such run)`), ...(cursor !== undefined && after === null ? ["cursor (not a page of this list)"] : [])].join("; ")}.</Notice>
      ) : null}
      <form method="get" aria-label="Runs compared" className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border border-line bg-white px-4 py-3 text-sm">
        <span className="text-xs text-muted">Compare</span>
        {runs.map((run) => (
          <label key={run.id} className="flex items-center gap-1.5">
            <input type="checkbox" name="run" value={run.name} defaultChecked={chosen.includes(run)} className="accent-ink" />
            <span dir="auto">{shortName(run.name, 40)}</span>
          </label>
        ))}
        <button type="submit" className="rounded-md bg-ink px-3 py-1 font-medium text-white">Apply</button>
      </form>
      {chosen.length < 2 ? (
        <Notice testId="too-few-runs">Disagreement needs at least two runs; pick two or more above.</Notice>
      ) : (
        <>
          <p className="text-sm text-ink"><span data-testid="match-count" className="font-semibold tabular-nums">{page.total}</span> {page.total === 1 ? "case" : "cases"} on which the runs disagree</p>
          {rows.length === 0 ? <p className="text-muted">The runs agree on every case they answered.</p> : <CaseTable rows={rows} runs={shownRuns} shown={["message", "expectedIntent", "verdicts"]} query={undefined} density="comfortable" noteHeader="Disagreement" />}
        </>
      )}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {after !== null ? <Link href={`${base}/inbox${runQuery.size > 0 ? `?${runQuery}` : ""}`} className="text-accent underline-offset-2 hover:underline">First page</Link> : null}
        {next ? <Link href={next} className="text-accent underline-offset-2 hover:underline">Next page</Link> : null}
      </nav>
    </div>
  );
}
