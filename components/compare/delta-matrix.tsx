"use client";

// A client component for its size, not for state: hundreds of cells, each two
// links, rendered from the counts (see components/confusion/confusion-table.tsx).
import { casesHref, type CasesLinkFilter } from "@/lib/cases-link";
import { ColumnHeader, HEADER_MAX, stickyCell } from "../confusion/matrix-header";
import { Name, shortName } from "../name";
import { DeltaCell } from "./delta-cell";
import { signedCount } from "./delta-format";
import type { DeltaCounts, DeltaView } from "./delta-view";

/** Run names inside labels (attributes take text only). */
const RUN_MAX = 40;

interface Props {
  view: DeltaView;
  project: string;
  a: string;
  b: string;
}

/** Ground truth (rows) × predicted (columns): B's paired count minus A's, and both counts, each linked to its run's cases. */
export function DeltaMatrix({ view, project, a, b }: Props) {
  const [nameA, nameB] = [shortName(a, RUN_MAX), shortName(b, RUN_MAX)];
  const cell = (expected: string, predicted: string | null, found: DeltaCounts | null, testId: string) => {
    const diagonal = predicted === expected;
    const reading = predicted === null ? `${shortName(expected, HEADER_MAX)} answered with a format error` : diagonal ? `${shortName(expected, HEADER_MAX)} read correctly` : `${shortName(expected, HEADER_MAX)} read as ${shortName(predicted, HEADER_MAX)}`;
    const filter: CasesLinkFilter = predicted === null ? { expectedIntent: expected, intentVerdict: "format_error" } : { expectedIntent: expected, predictedIntent: predicted };
    const links = found === null ? null : {
      a: { count: found.a, href: casesHref(project, { ...filter, run: a }), label: `${nameA}: ${found.a}` },
      b: { count: found.b, href: casesHref(project, { ...filter, run: b }), label: `${nameB}: ${found.b}` },
    };
    const label = found === null ? "" : `${reading}: ${nameA} ${found.a}, ${nameB} ${found.b}, change ${signedCount(found.b - found.a)}`;
    return <DeltaCell key={predicted ?? "format-error"} diagonal={diagonal} max={view.maxChange} label={label} testId={testId} links={links} />;
  };
  return (
    <div className="max-h-[80vh] overflow-auto rounded-lg border border-line bg-white" data-testid="delta-scroll" tabIndex={0} aria-label="Delta confusion matrix, scrollable">
      <table className="border-separate border-spacing-0 text-left text-xs" data-testid="delta-matrix">
        <caption className="sr-only">Change from <bdi>{a}</bdi> to <bdi>{b}</bdi> per ground-truth intent (rows) and predicted intent (columns), over the paired cases</caption>
        <thead className="sticky top-0 z-20 bg-canvas text-muted">
          <tr>
            <th scope="col" className={`${stickyCell} z-30 bg-canvas px-3 py-2 align-bottom font-medium`}>Ground truth ↓ · predicted →</th>
            {view.columns.map((column) => (
              <ColumnHeader key={column.intent} intent={column.intent} unknown={column.unknown}
                title={column.unknown ? `${column.intent}: predicted, but not in the taxonomy` : `Predicted ${column.intent}`} />
            ))}
            {view.hasFormatErrors ? <ColumnHeader intent="format error" title="No readable intent: the completion broke the answer format" /> : null}
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row) => (
            <tr key={row.intent} data-testid={`delta-row-${row.intent}`}>
              <th scope="row" className={`${stickyCell} max-w-60 px-3 py-1 font-normal`}>
                <code className="text-ink"><Name text={row.intent} max={HEADER_MAX} /></code>
                {row.label ? <div className="truncate text-muted">{row.label}</div> : <div className="text-amber-900">not in the taxonomy</div>}
              </th>
              {row.cells.map((found, index) => {
                const predicted = view.columns[index]!.intent;
                return cell(row.intent, predicted, found, `delta-cell-${row.intent}-${predicted}`);
              })}
              {view.hasFormatErrors ? cell(row.intent, null, row.formatErrors, `delta-format-error-${row.intent}`) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
