/**
 * Lays the delta confusion matrix out as a table: ground-truth intents that
 * have paired cases as rows; as columns the taxonomy intents either run
 * predicted or that are a row (so the diagonal is there), then predictions
 * outside the taxonomy (flagged unknown), then format errors. Intents with no
 * paired case in their row or column are left out, so a large taxonomy stays
 * readable when few intents changed. Pure.
 */
import { FORMAT_ERROR, type DeltaCell } from "@/lib/metrics/paired";

export interface DeltaColumn {
  intent: string;
  unknown: boolean;
}

/** One cell's paired counts of run A and run B. */
export interface DeltaCounts {
  a: number;
  b: number;
}

export interface DeltaRow {
  intent: string;
  label: string | null;
  /** In column order; null where neither run has a paired case. */
  cells: (DeltaCounts | null)[];
  formatErrors: DeltaCounts | null;
}

export interface DeltaView {
  columns: DeltaColumn[];
  rows: DeltaRow[];
  /** The largest |B − A| of any cell, which sets the colour scale. */
  maxChange: number;
  hasFormatErrors: boolean;
}

export function deltaView(cells: readonly DeltaCell[], taxonomy: readonly { id: string; label: string }[]): DeltaView {
  const labels = new Map(taxonomy.map((intent) => [intent.id, intent.label]));
  const rowIds = [...new Set(cells.map((cell) => cell.expected))].sort();
  const predicted = new Set(cells.map((cell) => cell.predicted).filter((intent) => intent !== FORMAT_ERROR));
  const known = [...new Set([...rowIds.filter((id) => labels.has(id)), ...[...predicted].filter((id) => labels.has(id))])].sort();
  const unknown = [...predicted].filter((id) => !labels.has(id)).sort();
  const columns = [...known.map((intent) => ({ intent, unknown: false })), ...unknown.map((intent) => ({ intent, unknown: true }))];

  const byKey = new Map(cells.map((cell) => [JSON.stringify([cell.expected, cell.predicted]), { a: cell.a, b: cell.b }]));
  const at = (expected: string, predicted: string) => byKey.get(JSON.stringify([expected, predicted])) ?? null;
  const rows = rowIds.map((intent) => ({
    intent,
    label: labels.get(intent) ?? null,
    cells: columns.map((column) => at(intent, column.intent)),
    formatErrors: at(intent, FORMAT_ERROR),
  }));
  return {
    columns,
    rows,
    maxChange: cells.reduce((max, cell) => Math.max(max, Math.abs(cell.b - cell.a)), 0),
    hasFormatErrors: cells.some((cell) => cell.predicted === FORMAT_ERROR),
  };
}
