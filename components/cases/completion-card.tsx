import type { CaseCompletion } from "@/lib/query/cases";
import type { GuidelineText } from "@/lib/taxonomy/intents";
import { ExpandableText } from "../expandable-text";
import { Highlighted } from "./highlighted";
import { Name } from "../name";
import { IntentVerdictBadge, PolicyVerdictBadge } from "./verdict";

/** One run's answer to the case: what it read, both verdicts and why, and the reply (or the whole generation). */
/** `query`: the search the case was found by, marked in the answer. */
export function CompletionCard({ completion, expectedIntent, full, guideline, query }: { completion: CaseCompletion; expectedIntent: string; full: boolean; guideline: GuidelineText | null; query?: string }) {
  const c = completion;
  const policy = c.policy;
  return (
    <article aria-label={`Run ${c.run}`} data-testid="completion-card" className="flex min-w-0 flex-col gap-3 rounded-lg border border-line bg-white p-4">
      <header>
        <h3 className="font-semibold text-ink"><Name text={c.run} /></h3>
        <p className="text-xs text-muted"><Name text={c.model} /></p>
      </header>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-muted">Predicted</dt>
        <dd data-testid="predicted">
          {c.predictedIntent === null ? <span className="text-muted">none</span> : <code><Name text={c.predictedIntent} /></code>}
          {c.predictedIntentTruncated ? <span className="ml-1 text-xs text-muted">(cut: the tag was longer)</span> : null}
        </dd>
        <dt className="text-muted">Ground truth</dt>
        <dd><code>{expectedIntent}</code></dd>
        <dt className="text-muted">Intent</dt>
        <dd data-testid="intent-verdict">
          <IntentVerdictBadge verdict={c.intentVerdict} />
          {c.formatError ? <span className="ml-2 text-xs text-bad">{c.formatError.replaceAll("_", " ")}</span> : null}
          {c.unknownIntent ? <span className="ml-2 text-xs text-amber-900">not in the taxonomy</span> : null}
        </dd>
        <dt className="text-muted">Policy</dt>
        <dd data-testid="policy-verdict">
          <PolicyVerdictBadge verdict={policy.verdict} />
          {policy.verdict !== "pending" ? (
            <span className="ml-2 text-xs text-muted">
              {policy.judge ? <>by <Name text={policy.judge} max={40} /></> : null}
              {policy.guidelineVersion !== null ? `, guideline v${policy.guidelineVersion}` : ""}
            </span>
          ) : null}
        </dd>
      </dl>
      {policy.verdict !== "pending" && policy.rationale ? (
        <ExpandableText text={policy.rationale} testId="rationale" className="text-sm text-ink" />
      ) : null}
      {guideline ? (
        <details className="text-sm" data-testid="guideline">
          <summary className="cursor-pointer text-xs font-medium text-muted">
            Guideline of <code><Name text={guideline.intentId} max={40} /></code> v{guideline.version}
            {policy.verdict === "pending" ? " (in force; not judged yet)"
              : policy.guidelineVersion === null ? " (in force; the verdict names no version)"
              : guideline.version < guideline.currentVersion ? ` (stale: v${guideline.currentVersion} is in force)` : ""}
          </summary>
          <p className="mt-1 whitespace-pre-wrap break-words text-ink">{guideline.policy}</p>
        </details>
      ) : null}
      <div>
        <h4 className="text-xs font-medium uppercase tracking-wide text-muted">{full ? "Full generation" : "Reply to the customer"}</h4>
        {full || c.reply !== null ? (
          <ExpandableText text={full ? c.text : (c.reply ?? "")} testId="answer" className="mt-1 text-sm text-ink">
            {query ? <Highlighted text={full ? c.text : (c.reply ?? "")} query={query} /> : undefined}
          </ExpandableText>
        ) : (
          <p className="mt-1 text-sm text-muted" data-testid="answer">No reply: the completion broke the answer format.</p>
        )}
      </div>
      <p className="mt-auto text-xs text-muted tabular-nums">
        {c.latencyMs !== null ? `${c.latencyMs.toLocaleString("en-US")} ms` : "latency not given"}
        {c.promptTokens !== null || c.completionTokens !== null ? ` · ${c.promptTokens ?? "?"} + ${c.completionTokens ?? "?"} tokens` : ""}
      </p>
    </article>
  );
}
