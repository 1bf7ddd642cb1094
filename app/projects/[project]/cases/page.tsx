import type { Metadata } from "next";
import Link from "next/link";
import { CompletionTable, type CompletionRow } from "@/components/cases/completion-table";
import { FilterForm } from "@/components/cases/filter-form";
import { Notice } from "@/components/notice";
import { pool } from "@/lib/db/pool";
import { listRuns } from "@/lib/metrics/queries";
import { countCompletions, listCompletions } from "@/lib/query/completions";
import { projectOr404 } from "@/lib/server/projects";
import { intentLabels } from "@/lib/taxonomy/intents";
import type { SearchParams } from "@/lib/url-state";
import { completionFilterSearchParams } from "@/lib/validations/filters";
import { casesState } from "./search-params";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Cases" };

const PAGE_SIZE = 50;

export default async function CasesPage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name } = await params;
  const project = await projectOr404(name);
  const state = casesState(await searchParams);
  const db = pool();
  const [page, total, runs, intents] = await Promise.all([
    listCompletions(db, project.id, { filter: state.filter, limit: PAGE_SIZE, sort: state.sort, after: state.after }),
    countCompletions(db, project.id, state.filter),
    listRuns(db, project.id),
    intentLabels(project.id),
  ]);
  const base = `/projects/${encodeURIComponent(project.name)}/cases`;
  const rows: CompletionRow[] = page.items.map((item) => ({
    key: `${item.caseId}\u0000${item.run}`,
    caseId: item.caseId,
    href: `${base}/${encodeURIComponent(item.caseId)}`,
    run: item.run,
    expectedIntent: item.expectedIntent,
    predictedIntent: item.predictedIntent,
    intentVerdict: item.intentVerdict,
    policyVerdict: item.policyVerdict,
    reply: item.reply,
    formatError: item.formatError,
  }));
  const query = completionFilterSearchParams(state.filter);
  if (state.sort !== "id") query.set("sort", state.sort);
  const first = `${base}${query.size > 0 ? `?${query}` : ""}`;
  const next = page.nextCursor ? `${base}?${new URLSearchParams([...query, ["cursor", page.nextCursor]])}` : null;

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Cases</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted">
          Every completion that matches the filter, one per row. The address holds the whole view: copy it to share exactly
          these rows. The filters are those of <code>GET /api/v1/completions</code>, by the same names.
        </p>
      </header>
      {state.dropped.length > 0 ? (
        <Notice testId="dropped-parameters">
          Ignored in the address: {state.dropped.map((d, i) => <span key={i}>{i > 0 ? "; " : ""}<code>{d.parameter}</code> ({d.reason})</span>)}.
        </Notice>
      ) : null}
      <FilterForm filter={state.filter} runs={runs.map((run) => run.name)} intents={intents} />
      <p className="text-sm text-ink">
        <span data-testid="match-count" className="font-semibold tabular-nums">{total}</span> {total === 1 ? "completion matches" : "completions match"}
        {state.after !== null ? <span className="text-muted"> · a later page</span> : null}
      </p>
      {rows.length === 0 ? <p className="text-muted">No completion matches this filter.</p> : <CompletionTable rows={rows} />}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {state.after !== null ? <Link href={first} className="text-accent underline-offset-2 hover:underline">First page</Link> : null}
        {next ? <Link href={next} className="text-accent underline-offset-2 hover:underline">Next page</Link> : null}
      </nav>
    </div>
  );
}
