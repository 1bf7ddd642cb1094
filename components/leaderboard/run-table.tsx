import { casesHref, type CasesLinkFilter } from "@/lib/cases-link";
import { count, percent } from "@/lib/format";
import type { RunMetrics } from "@/lib/metrics/queries";
import { Name } from "../name";
import { RateCell } from "./rate-cell";

/** A count that opens the table filtered to exactly its completions. */
function CountLink({ n, what, project, filter }: { n: number; what: string; project: string; filter: CasesLinkFilter }) {
  return <a href={casesHref(project, filter)} className="underline-offset-2 hover:text-ink hover:underline">{count(n)} {what}</a>;
}

/** A policy count: a link to its completions, or plain when one judge's verdicts are shown (the table filters by the counted verdicts). */
function PolicyCount({ judge, ...props }: { n: number; what: string; project: string; filter: CasesLinkFilter; judge: string | null }) {
  return judge === null ? <CountLink {...props} /> : <span>{count(props.n)} {props.what}</span>;
}

/**
 * One row per run: the three accuracies with intervals and counts, each count
 * a link to its completions. With `judge`, the policy figures are that
 * judge's alone and their counts are not links.
 */
export function RunTable({ runs, project, judge = null }: { runs: RunMetrics[]; project: string; judge?: string | null }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Accuracy per run, with 95% Wilson intervals and counts</caption>
        <thead className="border-b border-line bg-canvas text-xs uppercase tracking-wide text-muted">
          <tr>
            <th scope="col" className="px-4 py-3 font-medium">Run</th>
            <th scope="col" className="px-4 py-3 text-right font-medium">Completions</th>
            <th scope="col" className="px-4 py-3 font-medium">Intent accuracy</th>
            <th scope="col" className="px-4 py-3 font-medium">Policy accuracy</th>
            <th scope="col" className="px-4 py-3 font-medium">System accuracy</th>
            <th scope="col" className="px-4 py-3 font-medium">
              <abbr title="Intent accuracy × policy accuracy. A reference only: system accuracy is measured jointly, per completion.">Intent × policy</abbr>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {runs.map((run) => (
            <tr key={run.run} data-testid={`run-row-${run.run}`} className="align-top">
              <th scope="row" className="px-4 py-3 font-normal">
                <div className="font-semibold text-ink"><Name text={run.run} /></div>
                <div className="text-xs text-muted"><Name text={run.model} /></div>
              </th>
              <td className="px-4 py-3 text-right tabular-nums" data-testid="total"><a href={casesHref(project, { run: run.run })} className="underline-offset-2 hover:underline">{count(run.total)}</a></td>
              <td className="px-4 py-3">
                <RateCell label="intent" accuracy={run.intent.accuracy} ci95={run.intent.ci95}
                  detail={<>
                    <CountLink n={run.intent.correct} what="correct" project={project} filter={{ run: run.run, intentVerdict: "correct" }} /> ·{" "}
                    <CountLink n={run.intent.wrong} what="wrong" project={project} filter={{ run: run.run, intentVerdict: "wrong" }} /> ·{" "}
                    <CountLink n={run.intent.formatError} what="format errors" project={project} filter={{ run: run.run, intentVerdict: "format_error" }} />
                  </>} />
              </td>
              <td className="px-4 py-3">
                <RateCell label="policy" accuracy={run.policy.accuracy} ci95={run.policy.ci95}
                  detail={<>
                    <PolicyCount judge={judge} n={run.policy.pass} what="pass" project={project} filter={{ run: run.run, policyVerdict: "pass" }} /> ·{" "}
                    <PolicyCount judge={judge} n={run.policy.fail} what="fail" project={project} filter={{ run: run.run, policyVerdict: "fail" }} /> ·{" "}
                    <PolicyCount judge={judge} n={run.policy.pending} what="pending" project={project} filter={{ run: run.run, policyVerdict: "pending" }} />
                  </>} />
              </td>
              <td className="px-4 py-3">
                <RateCell label="system" accuracy={run.system.accuracy} ci95={run.system.ci95}
                  detail={`${count(run.system.success)} of ${count(run.total)} fully right`} />
              </td>
              <td className="px-4 py-3 text-muted tabular-nums" data-testid="product-reference">{percent(run.productReference)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
