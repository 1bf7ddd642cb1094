"use client";

import { useMemo } from "react";
import { createColumnHelper, createSortedRowModel, rowSortingFeature, sortFn_alphanumeric, tableFeatures, useTable } from "@tanstack/react-table";
import { interval, percent } from "@/lib/format";
import { Name } from "../name";

export interface BreakdownRate {
  accuracy: number | null;
  ci95: [number, number] | null;
}

export interface BreakdownRow {
  intent: string;
  label: string;
  support: number;
  runs: Record<string, { total: number; intent: BreakdownRate; policy: BreakdownRate; system: BreakdownRate }>;
}

const features = tableFeatures({
  rowSortingFeature,
  sortedRowModel: createSortedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
});
const helper = createColumnHelper<typeof features, BreakdownRow>();
const METRICS = [
  ["intent", "Intent"],
  ["policy", "Policy"],
  ["system", "System"],
] as const;

function Rate({ rate }: { rate: BreakdownRate | undefined }) {
  if (!rate) return <span className="text-muted">–</span>;
  return (
    <span title={`95% interval ${interval(rate.ci95)}`} className={rate.accuracy !== null && rate.accuracy < 0.8 ? "font-semibold text-bad" : undefined}>
      {percent(rate.accuracy)}
    </span>
  );
}

/** Per-intent accuracies of every run, sortable by any column. */
export function IntentBreakdown({ rows, runs }: { rows: BreakdownRow[]; runs: string[] }) {
  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor("label", {
          header: "Intent",
          sortFn: "alphanumeric",
          cell: (info) => (
            <span>
              <span className="font-medium text-ink">{info.getValue()}</span>{" "}
              <code className="text-xs text-muted">{info.row.original.intent}</code>
            </span>
          ),
        }),
        helper.accessor("support", { header: "Support", cell: (info) => info.getValue().toLocaleString("en-US") }),
        ...runs.map((run) =>
          helper.group({
            id: `run:${run}`,
            header: () => <Name text={run} max={40} />,
            columns: helper.columns(METRICS.map(([metric, title]) =>
              helper.accessor((row) => row.runs[run]?.[metric].accuracy ?? -1, {
                id: `${run}:${metric}`,
                header: title,
                cell: (info) => <Rate rate={info.row.original.runs[run]?.[metric]} />,
              }),
            )),
          }),
        ),
      ]),
    [runs],
  );
  const table = useTable({ features, columns, data: rows });

  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white">
      <table className="w-full text-left text-sm tabular-nums">
        <caption className="sr-only">Per-intent accuracy of each run; activate a column header to sort</caption>
        <thead className="border-b border-line bg-canvas text-xs text-muted">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const sortable = header.subHeaders.length === 0 && !header.isPlaceholder;
                return (
                  <th key={header.id} colSpan={header.colSpan} scope="col"
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                    className={`px-3 py-2 font-medium ${header.subHeaders.length > 0 ? "border-l border-line text-center text-ink" : ""}`}>
                    {header.isPlaceholder ? null : sortable ? (
                      <button type="button" onClick={header.column.getToggleSortingHandler()} className="inline-flex items-center gap-1 hover:text-ink">
                        <table.FlexRender header={header} />
                        <span aria-hidden="true">{sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}</span>
                      </button>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-line">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-testid={`intent-row-${row.original.intent}`}>
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
