"use client";

import { useMemo } from "react";
import { tableFeatures, useTable, type ColumnDef, type RowData } from "@tanstack/react-table";

/**
 * The table's layout of one server page of rows: paging, sorting and filtering
 * happen on the server (the URL is the state), so TanStack Table here only
 * lays out the columns it is given.
 */
export const tableLayout = tableFeatures({});
// TanStack's own column-list type (what helper.columns returns): each column keeps its value type.
export type LayoutColumn<T extends RowData> = ColumnDef<typeof tableLayout, T, any>;

export type Density = "comfortable" | "compact";

export function DataTable<T extends RowData>({ rows, columns, rowId, caption, rowTestId, density }: { rows: T[]; columns: LayoutColumn<T>[]; rowId: (row: T) => string; caption: string; rowTestId: string; density: Density }) {
  const data = useMemo(() => rows, [rows]);
  const table = useTable({ features: tableLayout, columns, data, getRowId: rowId });
  const cell = density === "compact" ? "px-2 py-1" : "px-3 py-2";
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white">
      <table className={`w-full text-left ${density === "compact" ? "text-xs" : "text-sm"}`}>
        <caption className="sr-only">{caption}</caption>
        <thead className="border-b border-line bg-canvas text-xs text-muted">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => (
                <th key={header.id} scope="col" className={`${cell} font-medium`}>
                  <table.FlexRender header={header} />
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-line">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="align-top" data-testid={rowTestId}>
              {row.getAllCells().map((c) => (
                <td key={c.id} className={cell}>
                  <table.FlexRender cell={c} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
