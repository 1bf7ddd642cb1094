/** URL state of the confusion page: `?run=<run name>`, parsed tolerantly. */
import type { RunInfo } from "@/lib/metrics/queries";
import type { DroppedParameter } from "@/lib/validations/filters";
import { parseSearchParamsReporting, pickByName, textParam, type SearchParams } from "@/lib/url-state";

const shape = { run: textParam() };

/**
 * The run to show: the one named in the URL, else the first run; `unknown` is
 * a name that matched no run, `dropped` a value no run name can be.
 */
export function confusionState(runs: readonly RunInfo[], params: SearchParams): { run: RunInfo | undefined; unknown: string | null; dropped: DroppedParameter[] } {
  const { values, dropped } = parseSearchParamsReporting(shape, params);
  const picked = pickByName(runs, values.run);
  return { run: picked.chosen ?? runs[0], unknown: picked.unknown, dropped };
}
