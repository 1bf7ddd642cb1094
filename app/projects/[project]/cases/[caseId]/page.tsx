import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { CaseKeys } from "@/components/cases/case-keys";
import { CompletionCard } from "@/components/cases/completion-card";
import { DroppedNotice } from "@/components/dropped-notice";
import { ExpandableText } from "@/components/expandable-text";
import { Highlighted } from "@/components/cases/highlighted";
import { ReplyDiff } from "@/components/cases/reply-diff";
import { RunPicker } from "@/components/cases/run-picker";
import { Name } from "@/components/name";
import { pool } from "@/lib/db/pool";
import { neighbourCases } from "@/lib/query/case-rows";
import { resolveRunNames } from "@/lib/query/completions";
import { inboxNeighbours } from "@/lib/query/inbox";
import { caseDetail } from "@/lib/query/cases";
import { projectAccess } from "@/lib/auth/access";
import { guidelineTexts } from "@/lib/taxonomy/intents";
import { wordDiff } from "@/lib/text/diff";
import { decodePathParam, enumParam, parseSearchParamsReporting, pickByName, textParam, type SearchParams } from "@/lib/url-state";
import { completionFilterSearchParams } from "@/lib/validations/filters";
import { JudgeView } from "@/components/judging/judge-view";
import { verdictJudges } from "@/lib/metrics/queries";
import { casesState, casesViewQuery } from "../search-params";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Case" };

/** Side by side at most this many runs; with more, the lead picks which (`?show=`). */
const MAX_COLUMNS = 5;

const shape = {
  view: enumParam(["customer", "full"] as const, "customer"),
  /** Where the case was opened: the table (its filter and order) or the disagreement inbox (its runs). */
  from: enumParam(["table", "inbox"] as const, "table"),
  a: textParam(),
  b: textParam(),
  /** One judge's verdicts alone; an unknown name falls back to the counted verdicts. */
  judge: textParam(200),
  /** The runs to show side by side, when the case has more than MAX_COLUMNS. */
  show: z.preprocess((value) => (value === undefined ? [] : [value].flat()), z.array(z.string().max(200)).max(100)).catch([]),
};

/** One case: the conversation, then every run's answer side by side; the filter it was opened from gives next and previous. */
export default async function CasePage({ params, searchParams }: { params: Promise<{ project: string; caseId: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name, caseId: segment } = await params;
  const { project } = await projectAccess(name);
  const caseId = decodePathParam(segment);
  if (caseId === null || caseId.length > 200) notFound();
  const raw = await searchParams;
  const db = pool();
  // The table's filter and order this case was opened from (the rest of the table's view is not needed here).
  const table = casesState(raw);
  const { values: state, dropped: ownDropped } = parseSearchParamsReporting(shape, raw);
  const inbox = state.from === "inbox";
  const inboxRuns = inbox && table.filter.run ? await resolveRunNames(db, project.id, table.filter.run) : undefined;
  const judges = await verdictJudges(db, project.id);
  const judge = state.judge !== undefined && judges.names.includes(state.judge) ? state.judge : null;
  const [detail, neighbours] = await Promise.all([
    caseDetail(db, project.id, caseId, judge),
    inbox ? inboxNeighbours(db, project.id, inboxRuns, caseId) : neighbourCases(db, project.id, caseId, table.filter, table.sort),
  ]);
  if (!detail) notFound();
  const { case: c, completions } = detail;

  const base = `/projects/${encodeURIComponent(project.name)}/cases`;
  const context = inbox
    ? new URLSearchParams([["from", "inbox"], ...(table.filter.run ?? []).map((run): [string, string] => ["run", run])])
    : casesViewQuery({ ...table, density: "comfortable", columnsChosen: false }, {}, completionFilterSearchParams(table.filter));
  const requested = state.show;
  const shownRuns = completions.length <= MAX_COLUMNS ? completions.map((x) => x.run) : (requested.length > 0 ? completions.filter((x) => requested.includes(x.run)) : completions).slice(0, MAX_COLUMNS).map((x) => x.run);
  const own = (change: { view?: string; a?: string; b?: string }) => {
    const query = new URLSearchParams(context);
    const view = change.view ?? state.view;
    if (view !== "customer") query.set("view", view);
    if (judge !== null) query.set("judge", judge);
    for (const side of ["a", "b"] as const) {
      const value = side in change ? change[side] : state[side];
      if (value !== undefined) query.set(side, value);
    }
    if (completions.length > MAX_COLUMNS && requested.length > 0) for (const run of shownRuns) query.append("show", run);
    return query;
  };
  const caseHref = (id: string, query: URLSearchParams) => `${base}/${encodeURIComponent(id)}${query.size > 0 ? `?${query}` : ""}`;
  const here = (change: { view?: string }) => caseHref(c.id, own(change));
  const nextHref = neighbours.next === null ? null : caseHref(neighbours.next, own({}));
  const previousHref = neighbours.previous === null ? null : caseHref(neighbours.previous, own({}));
  const inboxQuery = new URLSearchParams((table.filter.run ?? []).map((run): [string, string] => ["run", run]));
  const tableHref = inbox ? `/projects/${encodeURIComponent(project.name)}/inbox${inboxQuery.size > 0 ? `?${inboxQuery}` : ""}` : `${base}${context.size > 0 ? `?${context}` : ""}`;
  const listName = inbox ? "inbox" : "filter";

  const shown = completions.filter((completion) => shownRuns.includes(completion.run));
  const guidelines = await guidelineTexts(project.id, shown.flatMap((x) => (x.predictedIntent === null ? [] : [{ intentId: x.predictedIntent, version: x.policy.verdict === "pending" ? null : x.policy.guidelineVersion }])));
  const guidelineOf = (intent: string | null, version: number | null) => guidelines.find((g) => g.intentId === intent && (version === null ? g.version === g.currentVersion : g.version === version)) ?? null;
  // The word diff: the two runs the URL names, else the first two that replied.
  const replied = completions.filter((completion) => completion.reply !== null).map((completion) => ({ name: completion.run, reply: completion.reply! }));
  const pickedA = pickByName(replied, state.a);
  const pickedB = pickByName(replied, state.b);
  const diffA = pickedA.chosen ?? replied[0];
  const diffB = pickedB.chosen ?? replied.find((run) => run !== diffA);
  // What the address asked for that this page could not show: the table's filter values, this page's own, unknown runs.
  const dropped = [
    ...table.dropped,
    ...ownDropped,
    ...[{ parameter: "a", value: pickedA.unknown }, { parameter: "b", value: pickedB.unknown }].flatMap(({ parameter, value }) =>
      value === null ? [] : [{ parameter, value, reason: "no reply of a run of that name in this case: the diff compares another" }],
    ),
    ...(completions.length > MAX_COLUMNS ? requested.filter((run) => !completions.some((x) => x.run === run)).map((run) => ({ parameter: "show", value: run, reason: "no answer of a run of that name in this case" })) : []),
  ];
  const link = "text-accent underline-offset-2 hover:underline";

  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <nav aria-label="Cases of the filter" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
          <Link href={tableHref} className={link}>{inbox ? "Back to the inbox" : "Back to the table"}</Link>
          {previousHref ? <Link href={previousHref} className={link} rel="prev">← Previous case</Link> : <span className="text-muted">first case of the {listName}</span>}
          {nextHref ? <Link href={nextHref} className={link} rel="next">Next case →</Link> : <span className="text-muted">last case of the {listName}</span>}
          <CaseKeys next={nextHref} previous={previousHref} toggleView={here({ view: state.view === "full" ? "customer" : "full" })} table={tableHref} />
        </nav>
        <h1 className="text-2xl font-semibold tracking-tight">Case <span className="font-mono"><Name text={c.id} /></span></h1>
        <p className="text-sm text-muted">
          Ground truth <code className="text-ink">{c.expectedIntent}</code>
          {c.tags.length > 0 ? <> · tags {c.tags.map((tag, i) => <span key={i} className="ml-1 rounded bg-canvas px-1.5 py-0.5 text-xs text-ink"><Name text={tag} max={40} /></span>)}</> : null}
        </p>
      </header>
      <DroppedNotice dropped={dropped} />
      <section aria-labelledby="conversation-heading" className="space-y-2">
        <h2 id="conversation-heading" className="text-lg font-semibold">Conversation</h2>
        <ol className="space-y-2">
          {c.messages.map((message, i) => (
            <li key={i} data-testid="message" className={`max-w-3xl rounded-lg border border-line px-4 py-2 ${message.role === "user" ? "bg-white" : "bg-canvas"}`}>
              <span className="text-xs font-medium uppercase tracking-wide text-muted">{message.role === "user" ? "customer" : message.role}</span>
              <ExpandableText text={message.content} className="text-ink">
                {message.role === "user" && table.filter.q ? <Highlighted text={message.content} query={table.filter.q} /> : undefined}
              </ExpandableText>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="answers-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline gap-4">
          <h2 id="answers-heading" className="text-lg font-semibold">Answers</h2>
          <nav aria-label="What to show" className="flex gap-1 text-sm">
            {(["customer", "full"] as const).map((option) => (
              <Link key={option} href={here({ view: option })} aria-current={state.view === option ? "page" : undefined}
                className={`rounded px-3 py-1 ${state.view === option ? "bg-ink text-white" : "text-ink hover:bg-white"}`}>
                {option === "customer" ? "Customer view" : "Full generation"}
              </Link>
            ))}
          </nav>
        </div>
        <JudgeView judges={judges.names} primary={judges.primary} shown={judge} unknown={state.judge !== undefined && judge === null ? state.judge : null} hidden={[...own({})].filter(([key]) => key !== "judge")} />
        {completions.length > MAX_COLUMNS ? (
          <RunPicker runs={completions.map((x) => x.run)} shown={shownRuns} max={MAX_COLUMNS} keep={[...own({})].filter(([key]) => key !== "show")} />
        ) : null}
        {completions.length === 0 ? (
          <p className="text-muted">No run has answered this case yet.</p>
        ) : (
          <div className={`grid gap-4 md:grid-cols-2 ${shown.length >= 3 ? "xl:grid-cols-3" : ""} ${shown.length >= 4 ? "2xl:grid-cols-5" : ""}`}>
            {shown.map((completion) => (
              <CompletionCard key={completion.run} completion={completion} expectedIntent={c.expectedIntent} full={state.view === "full"} query={table.filter.q}
                guideline={guidelineOf(completion.predictedIntent, completion.policy.verdict === "pending" ? null : completion.policy.guidelineVersion)} />
            ))}
          </div>
        )}
      </section>
      {diffA && diffB ? <ReplyDiff parts={wordDiff(diffA.reply, diffB.reply)} a={diffA.name} b={diffB.name} runs={replied.map((run) => run.name)} keep={[...own({})].filter(([key]) => key !== "a" && key !== "b")} /> : null}
    </div>
  );
}
