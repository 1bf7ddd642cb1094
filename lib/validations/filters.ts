/**
 * The completion filter: one set of parameters shared by GET /api/v1/completions,
 * the browse page's URL, exports and saved failure sets, so a filter written
 * in one place means the same thing in all of them.
 *
 * Several values of one filter are alternatives (`?run=a&run=b`: run a OR b);
 * different filters must all hold (AND). APIs parse strictly (unknown or bad
 * parameters are a 400 naming them); pages parse tolerantly (a bad value is
 * dropped, never a crash). The SQL side is lib/query/completions.ts.
 */
import { z } from "zod";
import { INTENT_VERDICTS, type IntentVerdict } from "../grading/intent";
import { CURSOR_MAX_LENGTH, decodeCursor } from "../query/cursor";
import { searchParamsObject, type SearchParams } from "../url-state";
import { COMPLETION_FILTER_IDS, type CompletionFilterId } from "./filter-params";
import { isStorableText, NOT_STORABLE_MESSAGE } from "./text";

export { COMPLETION_FILTER_IDS, completionFilterSearchParams } from "./filter-params";

export const POLICY_VERDICTS = ["pass", "fail", "pending"] as const;
export type PolicyVerdict = (typeof POLICY_VERDICTS)[number];

/** Values per filter, and characters per value or search text. */
export const MAX_FILTER_VALUES = 100;
export const MAX_FILTER_TEXT = 200;

function oneOf<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return z.enum(values, { error: (issue) => `'${String(issue.input)}' is not ${what}; expected one of: ${values.join(", ")}` });
}

const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(MAX_FILTER_TEXT, `${what} is at most ${MAX_FILTER_TEXT} characters`)
    .refine(isStorableText, `${what} ${NOT_STORABLE_MESSAGE}`);

/** What success means for the case-level filters (as on the comparison page). */
export const SUCCESS_KINDS = ["system", "intent", "policy"] as const;
export type SuccessKind = (typeof SUCCESS_KINDS)[number];

/**
 * How the runs of a case relate, over the case's completions in the filtered
 * runs (every run of the project without a run filter); only cases that every
 * one of those runs answered count.
 */
export const AGREEMENTS = ["paired", "disagree", "allSucceed", "allFail"] as const;
export type Agreement = (typeof AGREEMENTS)[number];

/** What one value of each multi-valued filter must be. */
const FILTER_VALUES = {
  run: name("run name"),
  expectedIntent: name("intent id"),
  predictedIntent: name("intent id"),
  intentVerdict: oneOf([...INTENT_VERDICTS] as [IntentVerdict, ...IntentVerdict[]], "an intent verdict"),
  policyVerdict: oneOf(POLICY_VERDICTS, "a policy verdict"),
  tag: name("tag"),
  winner: name("run name"),
} as const;

/** What the value of each single-valued filter must be (a repeated one reads as its first value on pages). */
const SINGLE_VALUES = {
  systemSuccess: z
    .preprocess((value) => (typeof value === "boolean" ? String(value) : value), oneOf(["true", "false"], "true or false"))
    .transform((value) => value === "true"),
  stale: z
    .preprocess((value) => (typeof value === "boolean" ? String(value) : value), oneOf(["true", "false"], "true or false"))
    .transform((value) => value === "true"),
  success: oneOf(SUCCESS_KINDS, "a kind of success"),
  agreement: oneOf(AGREEMENTS, "an agreement"),
  judge: name("judge name"),
} as const;

type SingleFilter = keyof typeof SINGLE_VALUES;

type MultiFilter = keyof typeof FILTER_VALUES;

/** One value or several (a repeated query parameter, or a JSON array in a saved filter). */
function repeatable<T extends z.ZodType>(item: T, description: string) {
  return z
    .preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(item).min(1).max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} values per filter`))
    .optional()
    .meta({ description: `${description} Repeat the parameter for several values (any of them matches).` });
}

const searchText = z
  .string()
  .trim()
  .max(MAX_FILTER_TEXT, `q is at most ${MAX_FILTER_TEXT} characters`)
  .refine(isStorableText, `q ${NOT_STORABLE_MESSAGE}`)
  .transform((text) => (text === "" ? undefined : text))
  .optional()
  .meta({
    description:
      "Case-insensitive substring of the customer's messages (the case's user messages, each on its own) or of the whole completion text (analysis, intent tag and reply); several words match as one phrase; % and _ match literally; accents are not folded (café does not match cafe).",
  });

export const completionFilterShape = {
  run: repeatable(FILTER_VALUES.run, "Run name."),
  expectedIntent: repeatable(FILTER_VALUES.expectedIntent, "Ground-truth intent id."),
  predictedIntent: repeatable(FILTER_VALUES.predictedIntent, "Predicted intent id (as parsed from the completion, lower-cased)."),
  intentVerdict: repeatable(FILTER_VALUES.intentVerdict, "Intent verdict: correct, wrong or format_error."),
  policyVerdict: repeatable(FILTER_VALUES.policyVerdict, "Current policy verdict: pass, fail or pending."),
  systemSuccess: SINGLE_VALUES.systemSuccess
    .optional()
    .meta({ description: "`true`: the completion succeeds as a system (intent correct and policy pass); `false`: it does not." }),
  stale: SINGLE_VALUES.stale
    .optional()
    .meta({ description: "`true`: the counted policy verdict was judged against an older guideline version of the predicted intent than the one in force (judge it again); `false`: it was not (pending, current, or naming no version)." }),
  tag: repeatable(FILTER_VALUES.tag, "A tag of the case."),
  success: SINGLE_VALUES.success
    .optional()
    .meta({ description: "What success means for `agreement` and `winner`: `system` (intent correct and policy pass, the default), `intent` (intent correct) or `policy` (policy pass)." }),
  agreement: SINGLE_VALUES.agreement.optional().meta({
    description:
      "How the case's runs relate, over its completions in the filtered runs (every run of the project without `run`), counting only cases every one of them answered: `paired` (all answered), `disagree` (at least one succeeds and one fails), `allSucceed`, `allFail`. Success as `success` says.",
  }),
  winner: repeatable(FILTER_VALUES.winner, "Cases whose completion in this run succeeds (as `success` says); with `agreement=disagree`, the cases this run wins."),
  q: searchText,
  judge: SINGLE_VALUES.judge
    .optional()
    .meta({
      description:
        "Policy verdicts of this judge alone: its most recent verdict of each completion (pending where it has none; a format error's `fail` counts under every judge) stands for the counted one in `policyVerdict`, `systemSuccess`, `stale`, the `success` of `agreement` and `winner`, and the verdicts listed. Without it, each completion's counted verdict (the primary judge's, or the most recent of any judge).",
    }),
  // Exactly the parameters links write (./filter-params.ts): a missing or an extra one does not compile.
} satisfies Record<CompletionFilterId, z.ZodType>;


export function unknownParameters(allowed: readonly string[]) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys" ? `unknown parameter${issue.keys!.length > 1 ? "s" : ""} ${issue.keys!.map((k) => `'${k}'`).join(", ")}; allowed: ${allowed.join(", ")}` : undefined;
}

/** The filter alone, strict: what exports and saved failure sets store and re-read. */
export const completionFilterSchema = z.strictObject(completionFilterShape, { error: unknownParameters(COMPLETION_FILTER_IDS) });
export type CompletionFilter = z.output<typeof completionFilterSchema>;
export type CompletionFilterInput = z.input<typeof completionFilterSchema>;

// ---------------------------------------------------------------------------
// GET /api/v1/completions: the filter plus paging

/** Sort orders by allowlist: the completion id ascending (oldest first) or descending. */
export const COMPLETION_SORTS = ["id", "-id"] as const;
export type CompletionSort = (typeof COMPLETION_SORTS)[number];

export const COMPLETION_PAGE_DEFAULT = 50;
export const COMPLETION_PAGE_MAX = 500;

/** A cursor holds the sort it was made for and the last row's completion id. */
export const completionCursorSchema = z.tuple([z.enum(COMPLETION_SORTS), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);
export type CompletionCursor = z.output<typeof completionCursorSchema>;

const listShape = {
  ...completionFilterShape,
  limit: z.coerce
    .number()
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(COMPLETION_PAGE_MAX, `limit is at most ${COMPLETION_PAGE_MAX}`)
    .default(COMPLETION_PAGE_DEFAULT)
    .meta({ description: `Items per page, 1 to ${COMPLETION_PAGE_MAX} (default ${COMPLETION_PAGE_DEFAULT}).` }),
  cursor: z.string().max(CURSOR_MAX_LENGTH).optional().meta({ description: "The `nextCursor` of the previous page, unchanged." }),
  sort: oneOf(COMPLETION_SORTS, "a sort order").default("id").meta({ description: "`id` (oldest first, the default) or `-id` (newest first)." }),
};

export const completionListQuerySchema = z
  .strictObject(listShape, { error: unknownParameters(Object.keys(listShape)) })
  .transform(({ limit, cursor, sort, ...filter }, ctx) => {
    let after: number | null = null;
    if (cursor !== undefined) {
      const key = decodeCursor(cursor, completionCursorSchema);
      if (!key || key[0] !== sort) {
        const message = key ? `this cursor belongs to sort '${key[0]}', not '${sort}'` : "not a cursor from this endpoint: pass nextCursor back unchanged";
        ctx.addIssue({ code: "custom", path: ["cursor"], message, input: cursor });
        return z.NEVER;
      }
      after = key[1];
    }
    return { filter: filter as CompletionFilter, limit, sort, after };
  });
export type CompletionListQuery = z.output<typeof completionListQuerySchema>;

// ---------------------------------------------------------------------------
// From and to URLs

/** Strict: for APIs and stored filters; the zod result names every bad or unknown parameter. */
export function parseCompletionFilter(params: URLSearchParams | SearchParams) {
  return completionFilterSchema.safeParse(searchParamsObject(params));
}

/** A value a page dropped from its URL, to say so beside the results. */
export interface DroppedParameter {
  parameter: string;
  value: string;
  reason: string;
}

/**
 * Tolerant: for pages. Unknown parameters are ignored and each bad value is
 * dropped on its own (`?intentVerdict=wrong&intentVerdict=bogus` keeps `wrong`),
 * and reported in `dropped`.
 */
export function readCompletionFilter(params: URLSearchParams | SearchParams): { filter: CompletionFilter; dropped: DroppedParameter[] } {
  const raw = searchParamsObject(params);
  const filter: Record<string, unknown> = {};
  const dropped: DroppedParameter[] = [];
  for (const id of Object.keys(FILTER_VALUES) as MultiFilter[]) {
    const given = raw[id];
    if (given === undefined) continue;
    const values = new Set<string>();
    for (const value of Array.isArray(given) ? given : [given]) {
      if (value.trim() === "") continue; // an empty form field: no filter, nothing to report
      const parsed = FILTER_VALUES[id].safeParse(value);
      if (parsed.success) values.add(parsed.data);
      else dropped.push({ parameter: id, value, reason: parsed.error.issues[0]?.message ?? "invalid" });
    }
    if (values.size > 0) filter[id] = [...values].slice(0, MAX_FILTER_VALUES);
  }
  for (const id of Object.keys(SINGLE_VALUES) as SingleFilter[]) {
    const given = raw[id];
    const value = Array.isArray(given) ? given[0] : given;
    if (value === undefined || value.trim() === "") continue;
    const parsed = SINGLE_VALUES[id].safeParse(value);
    if (parsed.success) filter[id] = parsed.data;
    else dropped.push({ parameter: id, value, reason: parsed.error.issues[0]?.message ?? "invalid" });
  }
  const given = Array.isArray(raw.q) ? raw.q[0] : raw.q;
  const q = searchText.safeParse(given);
  if (q.success && q.data !== undefined) filter.q = q.data;
  else if (!q.success && given !== undefined) dropped.push({ parameter: "q", value: given, reason: q.error.issues[0]?.message ?? "invalid" });
  return { filter: filter as CompletionFilter, dropped };
}

/** The filter alone, tolerantly (see readCompletionFilter). */
export function tolerantCompletionFilter(params: URLSearchParams | SearchParams): CompletionFilter {
  return readCompletionFilter(params).filter;
}

