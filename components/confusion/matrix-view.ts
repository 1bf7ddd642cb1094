/**
 * Lays a run's confusion counts out as a table: ground-truth intents as rows,
 * predicted intents as columns (the taxonomy first, then predictions outside
 * it, flagged unknown), format errors and totals last. Pure.
 */
import type { ConfusionMatrix } from "@/lib/metrics/queries";

export interface MatrixColumn {
  intent: string;
  /** Predicted by the model but not in the project's taxonomy. */
  unknown: boolean;
  total: number;
}

export interface MatrixRow {
  intent: string;
  label: string | null;
  /** Counts in column order. */
  cells: number[];
  formatErrors: number;
  total: number;
}

export interface Confusion {
  expected: string;
  predicted: string;
  n: number;
  /** Cases with this ground truth. */
  support: number;
}

export interface MatrixView {
  columns: MatrixColumn[];
  rows: MatrixRow[];
  /** The largest off-diagonal count, which sets the colour scale. */
  maxConfusion: number;
  /** Off-diagonal cells, most frequent first (ties by intent id); format errors are not confusions. */
  confusions: Confusion[];
  totals: { all: number; correct: number; formatErrors: number };
}

export function matrixView(matrix: ConfusionMatrix, taxonomy: readonly { id: string; label: string }[]): MatrixView {
  const labels = new Map(taxonomy.map((intent) => [intent.id, intent.label]));
  const known = [...labels.keys()].sort();
  const extraExpected = matrix.expected.filter((intent) => !labels.has(intent));
  const unknownPredicted = matrix.predicted.filter((intent) => !labels.has(intent));
  const columnIds = [...known, ...unknownPredicted];

  const rows: MatrixRow[] = [...known, ...extraExpected].map((intent) => {
    const counts = matrix.cells[intent] ?? {};
    const cells = columnIds.map((predicted) => counts[predicted] ?? 0);
    const formatErrors = matrix.formatErrors[intent] ?? 0;
    return { intent, label: labels.get(intent) ?? null, cells, formatErrors, total: cells.reduce((sum, n) => sum + n, formatErrors) };
  });
  const columns = columnIds.map((intent, index) => ({
    intent,
    unknown: !labels.has(intent),
    total: rows.reduce((sum, row) => sum + (row.cells[index] ?? 0), 0),
  }));

  const confusions: Confusion[] = [];
  for (const row of rows) {
    row.cells.forEach((n, index) => {
      const predicted = columnIds[index]!;
      if (n > 0 && predicted !== row.intent) confusions.push({ expected: row.intent, predicted, n, support: row.total });
    });
  }
  confusions.sort((x, y) => y.n - x.n || x.expected.localeCompare(y.expected) || x.predicted.localeCompare(y.predicted));

  return {
    columns,
    rows,
    maxConfusion: confusions[0]?.n ?? 0,
    confusions,
    totals: {
      all: rows.reduce((sum, row) => sum + row.total, 0),
      correct: rows.reduce((sum, row) => sum + (row.cells[columnIds.indexOf(row.intent)] ?? 0), 0),
      formatErrors: rows.reduce((sum, row) => sum + row.formatErrors, 0),
    },
  };
}

/** What the matrix's table shows (the list of confusions stays on the server). */
export type MatrixTable = Pick<MatrixView, "columns" | "rows" | "maxConfusion" | "totals">;

export function matrixTable({ columns, rows, maxConfusion, totals }: MatrixView): MatrixTable {
  return { columns, rows, maxConfusion, totals };
}
