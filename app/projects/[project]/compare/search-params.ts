/** URL state of the compare page: `?a=<run>&b=<run>&metric=system|intent|policy`, parsed tolerantly. */
import type { RunInfo, SuccessKind } from "@/lib/metrics/queries";
import type { DroppedParameter } from "@/lib/validations/filters";
import { enumParam, parseSearchParamsReporting, pickByName, textParam, type SearchParams } from "@/lib/url-state";

export const METRICS = ["system", "intent", "policy"] as const satisfies readonly SuccessKind[];

const shape = { a: textParam(), b: textParam(), metric: enumParam(METRICS, "system") };

export type ComparisonState =
  | { status: "too-few-runs" }
  | { status: "same-run"; a: RunInfo; b: RunInfo; metric: SuccessKind; unknown: string[]; dropped: DroppedParameter[] }
  | { status: "ready"; a: RunInfo; b: RunInfo; metric: SuccessKind; unknown: string[]; dropped: DroppedParameter[] };

/**
 * The two runs to compare. Defaults: the first two runs. A run named in the
 * URL that does not exist falls back to a default (and is reported), and a
 * missing side defaults to the first run other than the named one. A
 * `metric` that is not one of METRICS falls back to system success, and is
 * reported in `dropped`.
 */
export function comparisonState(runs: readonly RunInfo[], params: SearchParams): ComparisonState {
  if (runs.length < 2) return { status: "too-few-runs" };
  const { values: { a: aName, b: bName, metric }, dropped } = parseSearchParamsReporting(shape, params);
  const pickedA = pickByName(runs, aName);
  const pickedB = pickByName(runs, bName);
  const unknown = [pickedA.unknown, pickedB.unknown].filter((name): name is string => name !== null);
  const a = pickedA.chosen ?? runs.find((run) => run.id !== pickedB.chosen?.id)!;
  const b = pickedB.chosen ?? runs.find((run) => run.id !== a.id)!;
  return { status: a.id === b.id ? "same-run" : "ready", a, b, metric, unknown, dropped };
}
