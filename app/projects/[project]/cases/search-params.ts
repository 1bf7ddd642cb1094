/**
 * URL state of the interaction table: exactly the filter parameters of
 * GET /api/v1/completions (same names, same schema, read tolerantly: a bad
 * value is dropped and reported), plus the page's own `sort` and `cursor`.
 */
import { decodeCursor } from "@/lib/query/cursor";
import { completionCursorSchema, COMPLETION_SORTS, readCompletionFilter, type CompletionFilter, type CompletionSort, type DroppedParameter } from "@/lib/validations/filters";
import { enumParam, parseSearchParams, textParam, type SearchParams } from "@/lib/url-state";

const shape = { sort: enumParam(COMPLETION_SORTS, "id"), cursor: textParam(600) };

export interface CasesState {
  filter: CompletionFilter;
  sort: CompletionSort;
  /** The completion id this page continues after (keyset), or null for the first page. */
  after: number | null;
  dropped: DroppedParameter[];
}

export function casesState(params: SearchParams): CasesState {
  const { filter, dropped } = readCompletionFilter(params);
  const { sort, cursor } = parseSearchParams(shape, params);
  const given = Array.isArray(params.sort) ? params.sort[0] : params.sort;
  if (given !== undefined && given !== sort) dropped.push({ parameter: "sort", value: given, reason: `expected one of: ${COMPLETION_SORTS.join(", ")}` });
  let after: number | null = null;
  if (cursor !== undefined) {
    const key = decodeCursor(cursor, completionCursorSchema);
    if (key && key[0] === sort) after = key[1];
    else dropped.push({ parameter: "cursor", value: cursor, reason: "not a page of this list: showing the first page" });
  }
  return { filter, sort, after, dropped };
}
