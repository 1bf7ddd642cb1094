import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CompletionCard } from "@/components/cases/completion-card";
import { ExpandableText } from "@/components/expandable-text";
import { ReplyDiff } from "@/components/cases/reply-diff";
import { Name } from "@/components/name";
import { pool } from "@/lib/db/pool";
import { caseDetail } from "@/lib/query/cases";
import { projectOr404 } from "@/lib/server/projects";
import { wordDiff } from "@/lib/text/diff";
import { decodePathParam, enumParam, parseSearchParams, pickByName, textParam, type SearchParams } from "@/lib/url-state";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Case" };

const shape = { view: enumParam(["customer", "full"] as const, "customer"), a: textParam(), b: textParam() };

/** One case: the conversation, then every run's answer side by side. */
export default async function CasePage({ params, searchParams }: { params: Promise<{ project: string; caseId: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name, caseId: segment } = await params;
  const project = await projectOr404(name);
  const caseId = decodePathParam(segment);
  if (caseId === null || caseId.length > 200) notFound();
  const detail = await caseDetail(pool(), project.id, caseId);
  if (!detail) notFound();
  const state = parseSearchParams(shape, await searchParams);
  const view = state.view;
  const here = `/projects/${encodeURIComponent(project.name)}/cases/${encodeURIComponent(detail.case.id)}`;
  const { case: c, completions } = detail;
  // The word diff: the two runs the URL names, else the first two that replied.
  const replied = completions.filter((completion) => completion.reply !== null).map((completion) => ({ name: completion.run, reply: completion.reply! }));
  const diffA = pickByName(replied, state.a).chosen ?? replied[0];
  const diffB = pickByName(replied, state.b).chosen ?? replied.find((run) => run !== diffA);

  return (
    <div className="space-y-6">
      <header>
        <p className="text-sm"><Link href={`/projects/${encodeURIComponent(project.name)}/cases`} className="text-accent underline-offset-2 hover:underline">All cases</Link></p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight">Case <span className="font-mono"><Name text={c.id} /></span></h1>
        <p className="mt-1 text-sm text-muted">
          Ground truth <code className="text-ink">{c.expectedIntent}</code>
          {c.tags.length > 0 ? <> · tags {c.tags.map((tag, i) => <span key={i} className="ml-1 rounded bg-canvas px-1.5 py-0.5 text-xs text-ink"><Name text={tag} max={40} /></span>)}</> : null}
        </p>
      </header>
      <section aria-labelledby="conversation-heading" className="space-y-2">
        <h2 id="conversation-heading" className="text-lg font-semibold">Conversation</h2>
        <ol className="space-y-2">
          {c.messages.map((message, i) => (
            <li key={i} data-testid="message" className={`max-w-3xl rounded-lg border border-line px-4 py-2 ${message.role === "user" ? "bg-white" : "bg-canvas"}`}>
              <span className="text-xs font-medium uppercase tracking-wide text-muted">{message.role === "user" ? "customer" : message.role}</span>
              <ExpandableText text={message.content} className="text-ink" />
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="answers-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline gap-4">
          <h2 id="answers-heading" className="text-lg font-semibold">Answers</h2>
          <nav aria-label="What to show" className="flex gap-1 text-sm">
            {(["customer", "full"] as const).map((option) => (
              <Link key={option} href={option === "customer" ? here : `${here}?view=full`} aria-current={view === option ? "page" : undefined}
                className={`rounded px-3 py-1 ${view === option ? "bg-ink text-white" : "text-ink hover:bg-white"}`}>
                {option === "customer" ? "Customer view" : "Full generation"}
              </Link>
            ))}
          </nav>
        </div>
        {completions.length === 0 ? (
          <p className="text-muted">No run has answered this case yet.</p>
        ) : (
          <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
            {completions.map((completion) => <CompletionCard key={completion.run} completion={completion} expectedIntent={c.expectedIntent} full={view === "full"} />)}
          </div>
        )}
      </section>
      {diffA && diffB ? <ReplyDiff parts={wordDiff(diffA.reply, diffB.reply)} a={diffA.name} b={diffB.name} runs={replied.map((run) => run.name)} /> : null}
    </div>
  );
}
