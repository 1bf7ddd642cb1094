import type { Metadata } from "next";
import type pg from "pg";
import Link from "next/link";
import { CaseTable, type CaseColumn, type CaseTableRow } from "@/components/cases/case-table";
import { CompletionTable, type CompletionColumn, type CompletionRow } from "@/components/cases/completion-table";
import { FilterForm } from "@/components/cases/filter-form";
import { ChoiceLinks, ColumnChooser } from "@/components/cases/view-controls";
import { DroppedNotice } from "@/components/dropped-notice";
import { pool } from "@/lib/db/pool";
import { listRuns, verdictJudges } from "@/lib/metrics/queries";
import { countCases, firstMessages, listCaseRows } from "@/lib/query/case-rows";
import { countCompletions, listCompletions } from "@/lib/query/completions";
import { exactCountLater, matchCountWithin } from "@/lib/query/match-count";
import { MatchCount } from "@/components/cases/match-count";
import { JudgeShown } from "@/components/judging/judge-view";
import { countRest, facetCountsData, facetStages, type FacetCountsData } from "@/lib/query/facets";
import { CHOICE_IDS, countChoices } from "@/lib/query/choices";
import type { LaterCounts } from "@/components/cases/facet-counts";
import { projectAccess } from "@/lib/auth/access";
import { intentLabels } from "@/lib/taxonomy/intents";
import type { SearchParams } from "@/lib/url-state";
import { completionFilterSearchParams } from "@/lib/validations/filters";
import { excerpt } from "@/lib/text/excerpt";
import { casesState, casesViewQuery, COLUMN_LABELS, OPTIONAL_COLUMNS, type CasesState, type OptionalColumn } from "./search-params";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Cases" };

const PAGE_SIZE = 50;
const CASE_COLUMNS: readonly OptionalColumn[] = ["message", "expectedIntent", "verdicts", "tags"];

/** The view's own parameters as hidden form fields, so applying a filter keeps the view. */
function viewFields(state: CasesState): [string, string][] {
  return [...casesViewQuery(state, {}, new URLSearchParams())];
}

export default async function CasesPage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name } = await params;
  const { project } = await projectAccess(name);
  const state = casesState(await searchParams);
  const db = pool();
  const [runs, judges] = await Promise.all([listRuns(db, project.id), verdictJudges(db, project.id)]);
  // `judge=J` shows J's verdicts alone; a name with no judge in the project is dropped, like any bad value.
  if (state.filter.judge !== undefined && !judges.names.includes(state.filter.judge)) {
    state.dropped.push({ parameter: "judge", value: state.filter.judge, reason: "no judge of that name in this project" });
    delete state.filter.judge;
  }
  const base = `/projects/${encodeURIComponent(project.name)}/cases`;
  const filterQuery = completionFilterSearchParams(state.filter);
  const href = (query: URLSearchParams) => `${base}${query.size > 0 ? `?${query}` : ""}`;
  // The case view keeps the filter and order it was opened from, for next/previous.
  const context = casesViewQuery({ ...state, density: "comfortable", columnsChosen: false }, {}, filterQuery);
  const caseHref = (caseId: string) => `${base}/${encodeURIComponent(caseId)}${context.size > 0 ? `?${context}` : ""}`;
  // One row per case shows the filter's runs (all runs without a run filter).
  const shownRuns = state.filter.run ? runs.filter((run) => state.filter.run!.includes(run.name)).map((run) => run.name) : runs.map((run) => run.name);

  const runNames = new Map(runs.map((run) => [run.id, run.name]));
  const countMatches = (client: pg.ClientBase) => (state.rows === "case" ? countCases(client, project.id, state.filter) : countCompletions(client, project.id, state.filter));
  const [listing, matches, intents, facets] = await Promise.all([
    state.rows === "case"
      ? listCaseRows(db, project.id, { filter: state.filter, limit: PAGE_SIZE, sort: state.sort, after: state.after }, shownRuns).then((page) => ({ kind: "case" as const, ...page }))
      : listCompletions(db, project.id, { filter: state.filter, limit: PAGE_SIZE, sort: state.sort, after: state.after }).then((page) => ({ kind: "completion" as const, ...page })),
    matchCountWithin(db, project.id, state.filter, state.rows, countMatches),
    intentLabels(project.id),
    facetStages(db, project.id, state.filter, runNames),
  ]);
  // Counts that take longer than the page waits are counted after it is sent, and stream in. The components
  // showing them are keyed by what they count: a link to another view of the table (soft navigation) keeps
  // them only while the count stays the same.
  const exactLater = matches.exact ? null : exactCountLater(db, countMatches).catch((error: unknown) => {
    console.error("match count failed", error);
    return null;
  });
  // Facets the aggregates cannot count, and the counts beside the one-value filters' options, are counted
  // after the page is sent, and stream in.
  const failed = (what: string) => (error: unknown): FacetCountsData => {
    console.error(`${what} failed`, error);
    return {};
  };
  const later: LaterCounts[] = [
    { ids: [...CHOICE_IDS], counts: countChoices(db, project.id, state.filter, runNames, { later: true }).then(facetCountsData, failed("choice counts")) },
  ];
  if (facets.slow.length > 0) {
    later.unshift({ ids: facets.slow.map((facet) => facet.id), counts: countRest(db, project.id, facets.slow, runNames, { later: true }).then(facetCountsData, failed("facet counts")) });
  }

  const total = matches.n;
  let table;
  if (listing.kind === "case") {
    const rows: CaseTableRow[] = listing.items.map((item) => ({ ...item, message: excerpt(item.message, state.filter.q), href: caseHref(item.caseId) }));
    const shown = state.columns.filter((column): column is CaseColumn => CASE_COLUMNS.includes(column));
    table = rows.length === 0 ? null : <CaseTable rows={rows} runs={shownRuns} shown={shown} query={state.filter.q} density={state.density} />;
  } else {
    const messages = await firstMessages(db, project.id, listing.items.map((item) => item.caseId));
    const rows: CompletionRow[] = listing.items.map((item) => ({
      key: `${item.caseId}\u0000${item.run}`,
      caseId: item.caseId,
      href: caseHref(item.caseId),
      message: excerpt(messages.get(item.caseId) ?? "", state.filter.q),
      run: item.run,
      expectedIntent: item.expectedIntent,
      predictedIntent: item.predictedIntent,
      intentVerdict: item.intentVerdict,
      policyVerdict: item.policyVerdict,
      policyStale: item.policyStale,
      reply: item.reply === null ? null : excerpt(item.reply, state.filter.q),
      formatError: item.formatError,
    }));
    const shown = state.columns.filter((column): column is CompletionColumn => column !== "tags");
    table = rows.length === 0 ? null : <CompletionTable rows={rows} shown={shown} query={state.filter.q} density={state.density} />;
  }
  const first = href(casesViewQuery(state, {}, filterQuery));
  const next = listing.nextCursor ? href(casesViewQuery(state, { cursor: listing.nextCursor }, filterQuery)) : null;
  const columnOptions = (state.rows === "case" ? CASE_COLUMNS : OPTIONAL_COLUMNS.filter((column) => column !== "tags")).map((id) => ({ id, label: COLUMN_LABELS[id] }));

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Cases</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted">
          Every completion that matches the filter, one per row, or every case with a matching completion. The address holds
          the whole view: copy it to share exactly these rows. The filters are those of <code>GET /api/v1/completions</code>,
          by the same names; the count beside each value is how many completions it would match with the other filters kept.
        </p>
        <JudgeShown primary={judges.primary} shown={state.filter.judge ?? null} />
      </header>
      <DroppedNotice dropped={state.dropped} />
      <FilterForm key={filterQuery.toString()} filter={state.filter} runs={runs.map((run) => run.name)} intents={intents} facets={facetCountsData(facets.ready)} later={later} keep={viewFields(state)} judges={judges} />
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
        <MatchCount key={`${filterQuery}#${state.rows}`} n={total} exact={matches.exact} later={exactLater} unit={state.rows} laterPage={state.after !== null} />
        <ChoiceLinks label="Rows" choices={(["completion", "case"] as const).map((rows) => ({ label: rows === "case" ? "One per case" : "One per completion", href: href(casesViewQuery(state, { rows }, filterQuery)), current: state.rows === rows }))} />
        <ChoiceLinks label="Order" choices={(["id", "-id"] as const).map((sort) => ({ label: sort === "id" ? "Oldest first" : "Newest first", href: href(casesViewQuery(state, { sort }, filterQuery)), current: state.sort === sort }))} />
        <ChoiceLinks label="Density" choices={(["comfortable", "compact"] as const).map((density) => ({ label: density === "compact" ? "Compact" : "Comfortable", href: href(casesViewQuery(state, { density }, filterQuery)), current: state.density === density }))} />
        <ColumnChooser options={columnOptions} shown={state.columns} keep={[...filterQuery, ...viewFields(state).filter(([name]) => name !== "columns")]} />
      </div>
      {table ?? <p className="text-muted">No {state.rows === "case" ? "case" : "completion"} matches this filter.</p>}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {state.after !== null ? <Link href={first} className="text-accent underline-offset-2 hover:underline">First page</Link> : null}
        {next ? <Link href={next} className="text-accent underline-offset-2 hover:underline">Next page</Link> : null}
      </nav>
    </div>
  );
}
