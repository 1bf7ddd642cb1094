"use client";

import { useMemo } from "react";
import { createColumnHelper } from "@tanstack/react-table";
import type { IntentVerdict } from "@/lib/grading/intent";
import type { PolicyVerdict } from "@/lib/validations/filters";
import { Name } from "../name";
import { DataTable, tableLayout, type Density } from "./data-table";
import { Highlighted } from "./highlighted";
import { unbrokenTextClass } from "../unbroken-text";
import { IntentVerdictBadge, PolicyVerdictBadge } from "./verdict";

/** One completion as the table shows it (plain data from the server page). */
export interface CompletionRow {
  key: string;
  caseId: string;
  /** The case view, carrying the filter (for next/previous). */
  href: string;
  /** The customer's first message. */
  message: string;
  run: string;
  expectedIntent: string;
  predictedIntent: string | null;
  intentVerdict: IntentVerdict;
  policyVerdict: PolicyVerdict;
  policyStale: boolean;
  reply: string | null;
  formatError: string | null;
}

const helper = createColumnHelper<typeof tableLayout, CompletionRow>();

export function CaseLink({ href, caseId }: { href: string; caseId: string }) {
  return <a href={href} className="whitespace-nowrap font-mono text-xs text-accent underline-offset-2 hover:underline"><Name text={caseId} max={40} /></a>;
}

export function Clamped({ text, query }: { text: string; query: string | undefined }) {
  return <p className={`line-clamp-3 max-w-md whitespace-pre-wrap break-words ${unbrokenTextClass(text)}`}><Highlighted text={text} query={query} /></p>;
}

export function Tags({ tags }: { tags: string[] }) {
  return <span className="flex flex-wrap gap-1">{tags.map((tag, i) => <span key={i} className="rounded bg-canvas px-1.5 py-0.5 text-xs"><Name text={tag} max={30} /></span>)}</span>;
}

function columnsFor(query: string | undefined) {
  return {
    message: helper.accessor("message", { header: "Customer", cell: (info) => <Clamped text={info.getValue()} query={query} /> }),
    run: helper.accessor("run", { header: "Run", cell: (info) => <Name text={info.getValue()} max={40} /> }),
    expectedIntent: helper.accessor("expectedIntent", { header: "Ground truth", cell: (info) => <code className="text-xs"><Name text={info.getValue()} max={40} /></code> }),
    predictedIntent: helper.accessor("predictedIntent", {
      header: "Predicted",
      cell: (info) => {
        const value = info.getValue();
        return value === null ? <span className="text-muted">none</span> : <code className="text-xs"><Name text={value} max={40} /></code>;
      },
    }),
    verdicts: helper.display({
      id: "verdicts",
      header: "Verdicts",
      cell: (info) => (
        <span className="flex flex-wrap gap-1">
          <IntentVerdictBadge verdict={info.row.original.intentVerdict} />
          <PolicyVerdictBadge verdict={info.row.original.policyVerdict} stale={info.row.original.policyStale} />
        </span>
      ),
    }),
    reply: helper.accessor("reply", {
      header: "Reply",
      cell: (info) => {
        const reply = info.getValue();
        if (reply === null) return <span className="text-muted">no reply: {info.row.original.formatError?.replaceAll("_", " ")}</span>;
        return <Clamped text={reply} query={query} />;
      },
    }),
  };
}

export type CompletionColumn = keyof ReturnType<typeof columnsFor>;

/** One row per completion; `shown`: the optional columns, in order (the case id always comes first). */
export function CompletionTable({ rows, shown, query, density }: { rows: CompletionRow[]; shown: CompletionColumn[]; query: string | undefined; density: Density }) {
  const columns = useMemo(() => {
    const all = columnsFor(query);
    return helper.columns([helper.accessor("caseId", { header: "Case", cell: (info) => <CaseLink href={info.row.original.href} caseId={info.getValue()} /> }), ...shown.map((id) => all[id])]);
  }, [query, shown]);
  return <DataTable rows={rows} columns={columns} rowId={(row) => row.key} caption="Completions matching the filter, one per row" rowTestId="completion-row" density={density} />;
}
