"use client";

import { useMemo } from "react";
import { createColumnHelper, tableFeatures, useTable } from "@tanstack/react-table";
import type { IntentVerdict } from "@/lib/grading/intent";
import type { PolicyVerdict } from "@/lib/validations/filters";
import { Name } from "../name";
import { unbrokenTextClass } from "../unbroken-text";
import { IntentVerdictBadge, PolicyVerdictBadge } from "./verdict";

/** One completion as the table shows it (plain data from the server page). */
export interface CompletionRow {
  key: string;
  caseId: string;
  /** The case view. */
  href: string;
  run: string;
  expectedIntent: string;
  predictedIntent: string | null;
  intentVerdict: IntentVerdict;
  policyVerdict: PolicyVerdict;
  reply: string | null;
  formatError: string | null;
}

// Paging, sorting and filtering happen on the server (the URL is the state):
// the table only lays out the page it is given.
const features = tableFeatures({});
const helper = createColumnHelper<typeof features, CompletionRow>();

const columns = helper.columns([
  helper.accessor("caseId", {
    header: "Case",
    cell: (info) => <a href={info.row.original.href} className="font-mono text-xs text-accent underline-offset-2 hover:underline"><Name text={info.getValue()} max={40} /></a>,
  }),
  helper.accessor("run", { header: "Run", cell: (info) => <Name text={info.getValue()} max={40} /> }),
  helper.accessor("expectedIntent", { header: "Ground truth", cell: (info) => <code className="text-xs"><Name text={info.getValue()} max={40} /></code> }),
  helper.accessor("predictedIntent", {
    header: "Predicted",
    cell: (info) => {
      const value = info.getValue();
      return value === null ? <span className="text-muted">none</span> : <code className="text-xs"><Name text={value} max={40} /></code>;
    },
  }),
  helper.display({
    id: "verdicts",
    header: "Verdicts",
    cell: (info) => (
      <span className="flex flex-wrap gap-1">
        <IntentVerdictBadge verdict={info.row.original.intentVerdict} />
        <PolicyVerdictBadge verdict={info.row.original.policyVerdict} />
      </span>
    ),
  }),
  helper.accessor("reply", {
    header: "Reply",
    cell: (info) => {
      const reply = info.getValue();
      if (reply === null) return <span className="text-muted">no reply: {info.row.original.formatError?.replaceAll("_", " ")}</span>;
      return <p className={`line-clamp-2 max-w-xl whitespace-pre-wrap break-words ${unbrokenTextClass(reply)}`}>{reply}</p>;
    },
  }),
]);

export function CompletionTable({ rows }: { rows: CompletionRow[] }) {
  const data = useMemo(() => rows, [rows]);
  const table = useTable({ features, columns, data, getRowId: (row) => row.key });
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Completions matching the filter, one per row</caption>
        <thead className="border-b border-line bg-canvas text-xs text-muted">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className="px-3 py-2 font-medium">
                  <table.FlexRender header={header} />
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-line">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="align-top" data-testid="completion-row">
              {row.getAllCells().map((cell) => (
                <td key={cell.id} className="px-3 py-2">
                  <table.FlexRender cell={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
