"use client";

// A client component for its size, not for state: hundreds of cells, each a
// link, rendered from the matrix's counts. As a server component the page
// carried every cell twice (its HTML and the same tree in the React payload);
// this way the payload carries the counts alone. Measured at 27 intents: the
// page 593 → 156 KB, server CPU 58 → 42 ms a request.
import { casesHref } from "@/lib/cases-link";
import { count } from "@/lib/format";
import { Name } from "../name";
import { ColumnHeader, HEADER_MAX, stickyCell } from "./matrix-header";
import { MatrixCell } from "./matrix-cell";
import type { MatrixTable } from "./matrix-view";

/** Ground truth (rows) × predicted intent (columns), format errors and row totals last; scrolls sideways. */
export function ConfusionTable({ view, run, project }: { view: MatrixTable; run: string; project: string }) {
  return (
    // The frame scrolls both ways within the window, so its scroll bars are always in reach; the
    // header row and the ground-truth column stay in view while it scrolls.
    <div className="max-h-[80vh] overflow-auto rounded-lg border border-line bg-white" data-testid="matrix-scroll" tabIndex={0} aria-label="Confusion matrix, scrollable">
      <table className="border-separate border-spacing-0 text-left text-xs">
        <caption className="sr-only">Confusion matrix of {run}: ground-truth intent in rows, predicted intent in columns</caption>
        <thead className="sticky top-0 z-20 bg-canvas text-muted">
          <tr>
            <th scope="col" className={`${stickyCell} z-30 bg-canvas px-3 py-2 align-bottom font-medium`}>
              Ground truth ↓ · predicted →
            </th>
            {view.columns.map((column) => (
              <ColumnHeader key={column.intent} intent={column.intent} unknown={column.unknown}
                title={column.unknown ? `${column.intent}: predicted, but not in the taxonomy` : `Predicted ${column.intent}`} />
            ))}
            <ColumnHeader intent="format error" title="No readable intent: the completion broke the answer format" />
            <ColumnHeader intent="total" title="Cases with this ground-truth intent" />
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row) => (
            <tr key={row.intent} data-testid={`matrix-row-${row.intent}`}>
              <th scope="row" className={`${stickyCell} max-w-60 px-3 py-1 font-normal`}>
                <code className="text-ink"><Name text={row.intent} max={HEADER_MAX} /></code>
                {row.label ? <div className="truncate text-muted">{row.label}</div> : <div className="text-amber-900">not in the taxonomy</div>}
              </th>
              {row.cells.map((n, index) => {
                const predicted = view.columns[index]!.intent;
                const correct = predicted === row.intent;
                const label = correct ? `${row.intent} read correctly: ${n}` : `${row.intent} read as ${predicted}: ${n}`;
                return <MatrixCell key={predicted} n={n} kind={correct ? "correct" : "confusion"} max={view.maxConfusion} label={label} testId={`cell-${row.intent}-${predicted}`}
                  href={casesHref(project, { run, expectedIntent: row.intent, predictedIntent: predicted })} />;
              })}
              <MatrixCell n={row.formatErrors} kind="format-error" max={view.maxConfusion} label={`${row.intent} answered with a format error: ${row.formatErrors}`} testId={`format-error-${row.intent}`}
                href={casesHref(project, { run, expectedIntent: row.intent, intentVerdict: "format_error" })} />
              <td className="border-b border-line bg-canvas px-2 py-1 text-right font-semibold tabular-nums" data-testid={`total-${row.intent}`} aria-label={`${row.intent} in total: ${row.total}`}>
                <a href={casesHref(project, { run, expectedIntent: row.intent })} className="underline-offset-2 hover:underline">{count(row.total)}</a>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot className="bg-canvas text-muted">
          <tr>
            <th scope="row" className={`${stickyCell} bg-canvas px-3 py-1 font-medium`}>Predicted in total</th>
            {view.columns.map((column) => (
              <td key={column.intent} className="border-r border-line px-1.5 py-1 text-center tabular-nums">{column.total || ""}</td>
            ))}
            <td className="border-r border-line px-1.5 py-1 text-center tabular-nums" data-testid="format-error-total">{view.totals.formatErrors}</td>
            <td className="px-2 py-1 text-right font-semibold tabular-nums text-ink" data-testid="grand-total">{count(view.totals.all)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
