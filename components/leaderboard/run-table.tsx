import { count, percent } from "@/lib/format";
import type { RunMetrics } from "@/lib/metrics/queries";
import { Name } from "../name";
import { RateCell } from "./rate-cell";

/** One row per run: the three accuracies with intervals and counts. */
export function RunTable({ runs }: { runs: RunMetrics[] }) {
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
              <td className="px-4 py-3 text-right tabular-nums" data-testid="total">{count(run.total)}</td>
              <td className="px-4 py-3">
                <RateCell label="intent" accuracy={run.intent.accuracy} ci95={run.intent.ci95}
                  detail={`${count(run.intent.correct)} correct · ${count(run.intent.wrong)} wrong · ${count(run.intent.formatError)} format errors`} />
              </td>
              <td className="px-4 py-3">
                <RateCell label="policy" accuracy={run.policy.accuracy} ci95={run.policy.ci95}
                  detail={`${count(run.policy.pass)} pass · ${count(run.policy.fail)} fail · ${count(run.policy.pending)} pending`} />
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
