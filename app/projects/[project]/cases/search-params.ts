/**
 * URL state of the interaction table: exactly the filter parameters of
 * GET /api/v1/completions (same names, same schema, read tolerantly: a bad
 * value is dropped and reported), plus the view's own: `rows` (one per case or
 * per completion), `sort`, `density`, `columns` and the page `cursor`.
 */
import { caseCursorSchema } from "@/lib/query/case-rows";
import { decodeCursor } from "@/lib/query/cursor";
import { completionCursorSchema, COMPLETION_SORTS, readCompletionFilter, type CompletionFilter, type CompletionSort, type DroppedParameter } from "@/lib/validations/filters";
import { enumParam, parseSearchParams, textParam, type SearchParams } from "@/lib/url-state";

export const ROW_KINDS = ["completion", "case"] as const;
export type RowKind = (typeof ROW_KINDS)[number];
export const DENSITIES = ["comfortable", "compact"] as const;
export type Density = (typeof DENSITIES)[number];

/** Columns a lead can hide; the case id always shows (it opens the case). */
export const OPTIONAL_COLUMNS = ["message", "run", "expectedIntent", "predictedIntent", "verdicts", "reply", "tags"] as const;
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];
export const COLUMN_LABELS: Record<OptionalColumn, string> = {
  message: "Customer message",
  run: "Run",
  expectedIntent: "Ground truth",
  predictedIntent: "Predicted",
  verdicts: "Verdicts",
  reply: "Reply",
  tags: "Tags",
};
const DEFAULT_COLUMNS: readonly OptionalColumn[] = ["message", "run", "expectedIntent", "predictedIntent", "verdicts", "reply"];

const shape = {
  rows: enumParam(ROW_KINDS, "completion"),
  sort: enumParam(COMPLETION_SORTS, "id"),
  density: enumParam(DENSITIES, "comfortable"),
  cursor: textParam(600),
};

export interface CasesState {
  filter: CompletionFilter;
  rows: RowKind;
  sort: CompletionSort;
  density: Density;
  /** The optional columns shown, in table order. */
  columns: OptionalColumn[];
  /** Whether `columns` came from the URL (else the defaults). */
  columnsChosen: boolean;
  /** The completion id (or case id, one row per case) this page continues after; null for the first page. */
  after: number | null;
  dropped: DroppedParameter[];
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function casesState(params: SearchParams): CasesState {
  const { filter, dropped } = readCompletionFilter(params);
  const { rows, sort, density, cursor } = parseSearchParams(shape, params);
  for (const [parameter, allowed, value] of [["rows", ROW_KINDS, rows], ["sort", COMPLETION_SORTS, sort], ["density", DENSITIES, density]] as const) {
    const given = first(params[parameter]);
    if (given !== undefined && given !== value) dropped.push({ parameter, value: given, reason: `expected one of: ${allowed.join(", ")}` });
  }
  const given = params.columns === undefined ? [] : [params.columns].flat();
  const asked = new Set<string>(given.flatMap((value) => value.split(",")).map((value) => value.trim()).filter((value) => value !== ""));
  const unknown = [...asked].filter((column) => column !== "none" && !(OPTIONAL_COLUMNS as readonly string[]).includes(column));
  if (unknown.length > 0) dropped.push({ parameter: "columns", value: unknown.join(","), reason: `expected some of: ${OPTIONAL_COLUMNS.join(", ")}` });
  // `columns=none` shows only the case id (an empty list cannot be written in a GET form).
  const columnsChosen = given.length > 0;
  const columns = columnsChosen ? OPTIONAL_COLUMNS.filter((column) => asked.has(column)) : [...DEFAULT_COLUMNS];
  let after: number | null = null;
  if (cursor !== undefined) {
    const key = rows === "case" ? decodeCursor(cursor, caseCursorSchema) : decodeCursor(cursor, completionCursorSchema);
    const [keySort, id] = key === null ? [null, null] : key.length === 3 ? [key[1], key[2]] : key;
    if (keySort === sort) after = id;
    else dropped.push({ parameter: "cursor", value: cursor, reason: "not a page of this list: showing the first page" });
  }
  return { filter, rows, sort, density, columns, columnsChosen, after, dropped };
}

/** The address of this view with some of its own parameters changed (filter kept; paging restarts unless given). */
export function casesViewQuery(state: CasesState, change: Partial<Pick<CasesState, "rows" | "sort" | "density" | "columns">> & { cursor?: string }, filterQuery: URLSearchParams): URLSearchParams {
  const next = { ...state, ...change };
  const query = new URLSearchParams(filterQuery);
  if (next.rows !== "completion") query.set("rows", next.rows);
  if (next.sort !== "id") query.set("sort", next.sort);
  if (next.density !== "comfortable") query.set("density", next.density);
  if (change.columns !== undefined || state.columnsChosen) query.set("columns", next.columns.length === 0 ? "none" : next.columns.join(","));
  if (change.cursor !== undefined) query.set("cursor", change.cursor);
  return query;
}
