"use client";

import { useMemo } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import type { CaseRunVerdict } from "@/lib/query/case-rows";
import { Name } from "../name";
import { CaseLink, Clamped, Tags } from "./completion-table";
import { DataTable, tableLayout, type Density, type LayoutColumn } from "./data-table";
import { IntentVerdictBadge, PolicyVerdictBadge } from "./verdict";

/** One case as the table shows it: a verdict cell per shown run. */
export interface CaseTableRow {
  caseId: string;
  href: string;
  message: string;
  expectedIntent: string;
  tags: string[];
  verdicts: Record<string, CaseRunVerdict>;
  /** Why the row is where it is (the inbox's disagreement), shown in its own column when given. */
  note?: string;
}

export type CaseColumn = "message" | "expectedIntent" | "verdicts" | "tags";

const helper = createColumnHelper<typeof tableLayout, CaseTableRow>();

/** A run's verdicts on the case, compact; a completion the filter matched is outlined. */
function RunVerdict({ verdict }: { verdict: CaseRunVerdict | undefined }) {
  if (!verdict) return <span className="text-muted">not answered</span>;
  return (
    <span className={`inline-flex flex-col gap-1 rounded p-1 ${verdict.matched ? "ring-2 ring-accent/60" : ""}`} data-matched={verdict.matched}>
      <span className="flex flex-wrap gap-1">
        <IntentVerdictBadge verdict={verdict.intentVerdict} />
        <PolicyVerdictBadge verdict={verdict.policyVerdict} stale={verdict.policyStale} />
      </span>
      {verdict.intentVerdict === "wrong" && verdict.predictedIntent !== null ? <code className="text-xs text-muted">as <Name text={verdict.predictedIntent} max={30} /></code> : null}
      {verdict.matched ? <span className="sr-only">(matches the filter)</span> : null}
    </span>
  );
}

/** One row per case; `runs`: a verdict column each, in order. */
export function CaseTable({ rows, runs, shown, query, density, noteHeader }: { rows: CaseTableRow[]; runs: string[]; shown: CaseColumn[]; query: string | undefined; density: Density; noteHeader?: string }) {
  const columns = useMemo(() => {
    const optional: Record<CaseColumn, LayoutColumn<CaseTableRow>[]> = {
      message: [helper.accessor("message", { header: "Customer", cell: (info) => <Clamped text={info.getValue()} query={query} /> })],
      expectedIntent: [helper.accessor("expectedIntent", { header: "Ground truth", cell: (info) => <code className="text-xs"><Name text={info.getValue()} max={40} /></code> })],
      verdicts: runs.map((run, i) =>
        helper.display({ id: `run-${i}`, header: () => <Name text={run} max={24} />, cell: (info) => <RunVerdict verdict={info.row.original.verdicts[run]} /> }),
      ),
      tags: [helper.accessor("tags", { header: "Tags", cell: (info) => <Tags tags={info.getValue()} /> })],
    };
    const caseId: LayoutColumn<CaseTableRow> = helper.accessor("caseId", { header: "Case", cell: (info) => <CaseLink href={info.row.original.href} caseId={info.getValue()} /> });
    const note: LayoutColumn<CaseTableRow>[] = noteHeader === undefined ? [] : [helper.accessor("note", { header: noteHeader, cell: (info) => <span className="text-xs">{info.getValue()}</span> })];
    return [caseId, ...note, ...shown.flatMap((id) => optional[id])];
  }, [query, runs, shown, noteHeader]);
  return <DataTable rows={rows} columns={columns} rowId={(row) => row.caseId} caption="Cases matching the filter, one per row, with each run's verdicts" rowTestId="case-row" density={density} />;
}
