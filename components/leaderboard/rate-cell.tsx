import type { ReactNode } from "react";
import { interval, percent } from "@/lib/format";

/** A rate with its 95% Wilson interval and the counts behind it. */
export function RateCell({ accuracy, ci95, detail, label }: { accuracy: number | null; ci95: [number, number] | null; detail: ReactNode; label: string }) {
  return (
    <div>
      <div className="text-base font-semibold tabular-nums" data-testid={`${label}-accuracy`}>
        {percent(accuracy)}
      </div>
      <div className="text-xs text-muted tabular-nums" data-testid={`${label}-ci`}>
        <span className="sr-only">95% interval </span>
        {interval(ci95)}
      </div>
      <div className="text-xs text-muted tabular-nums" data-testid={`${label}-counts`}>
        {detail}
      </div>
    </div>
  );
}
