import { comparisonCasesHref, type ComparisonCasesFilter } from "@/lib/cases-link";
import { count, pStatement, pValue } from "@/lib/format";
import type { RunComparison, SuccessKind } from "@/lib/metrics/queries";
import type { ReactNode } from "react";
import { Name } from "../name";
import { comparisonReading } from "./reading";

function Figure({ label, value, testId, href, emphasis = false }: { label: ReactNode; value: string; testId: string; href?: string; emphasis?: boolean }) {
  return (
    <div className={`rounded-lg border bg-white px-4 py-3 ${emphasis ? "border-ink/30" : "border-line"}`}>
      <dt className="text-xs uppercase tracking-wide text-muted">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums text-ink" data-testid={testId}>
        {href === undefined ? value : <a href={href} className="underline-offset-2 hover:underline">{value}</a>}
      </dd>
    </div>
  );
}

/**
 * Paired counts, the discordant pairs both ways, McNemar's exact p-value and
 * what they mean. Each count opens its cases in the table, one row per case.
 */
export function ComparisonSummary({ a, b, metric, project, comparison }: { a: string; b: string; metric: SuccessKind; project: string; comparison: RunComparison }) {
  const href = (agreement: ComparisonCasesFilter["agreement"], winner?: string) => comparisonCasesHref(project, { a, b, success: metric, agreement, winner });
  const p = pValue(comparison.pValue, comparison.logPValue);
  const reading = comparisonReading({ a, b, onlyA: comparison.onlyA, onlyB: comparison.onlyB, p: pStatement(comparison.pValue, comparison.logPValue), significant: comparison.pValue < 0.05 });
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Figure label="Paired cases" value={count(comparison.paired)} testId="paired" href={href("paired")} />
        <Figure label="Both succeed" value={count(comparison.bothSucceed)} testId="both-succeed" href={href("allSucceed")} />
        <Figure label="Both fail" value={count(comparison.bothFail)} testId="both-fail" href={href("allFail")} />
        <Figure label={<>Only <Name text={a} max={40} /> succeeds</>} value={count(comparison.onlyA)} testId="only-a" href={href("disagree", a)} emphasis />
        <Figure label={<>Only <Name text={b} max={40} /> succeeds</>} value={count(comparison.onlyB)} testId="only-b" href={href("disagree", b)} emphasis />
        <Figure label="McNemar exact p" value={p} testId="p-value" />
      </dl>
      <p className="max-w-3xl text-base text-ink" data-testid="reading">
        {reading.map((part, i) => (typeof part === "string" ? part : <Name key={i} text={part.run} />))}
      </p>
    </div>
  );
}
