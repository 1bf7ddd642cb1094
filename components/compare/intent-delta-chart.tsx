"use client";

// A client component for its size (see components/confusion/confusion-table.tsx).
import { casesHref, comparisonCasesHref } from "@/lib/cases-link";
import { count, percent } from "@/lib/format";
import type { IntentDelta, SuccessKind } from "@/lib/metrics/paired";
import { Name, shortName } from "../name";
import { signedPoints } from "./delta-format";

interface Props {
  deltas: IntentDelta[];
  project: string;
  a: string;
  b: string;
  metric: SuccessKind;
}

const RUN_MAX = 40;

/**
 * Per ground-truth intent, B's success rate minus A's on the same paired
 * cases, largest gain first: a horizontal bar either side of zero (scaled to
 * the largest change shown), the change in signed points as text, and both
 * rates, each linking to that run's cases of the intent.
 */
// Bar widths as fixed classes (whole percents of the track, each half 50), not a style attribute:
// the pages' Content-Security-Policy allows no inline styles. Written out so Tailwind finds them.
const BAR_WIDTHS = ["w-[0%]", "w-[1%]", "w-[2%]", "w-[3%]", "w-[4%]", "w-[5%]", "w-[6%]", "w-[7%]", "w-[8%]", "w-[9%]", "w-[10%]", "w-[11%]", "w-[12%]", "w-[13%]", "w-[14%]", "w-[15%]", "w-[16%]", "w-[17%]", "w-[18%]", "w-[19%]", "w-[20%]", "w-[21%]", "w-[22%]", "w-[23%]", "w-[24%]", "w-[25%]", "w-[26%]", "w-[27%]", "w-[28%]", "w-[29%]", "w-[30%]", "w-[31%]", "w-[32%]", "w-[33%]", "w-[34%]", "w-[35%]", "w-[36%]", "w-[37%]", "w-[38%]", "w-[39%]", "w-[40%]", "w-[41%]", "w-[42%]", "w-[43%]", "w-[44%]", "w-[45%]", "w-[46%]", "w-[47%]", "w-[48%]", "w-[49%]", "w-[50%]"] as const;

function barWidth(percentOfTrack: number): string {
  return BAR_WIDTHS[Math.max(1, Math.min(50, Math.round(percentOfTrack)))]!;
}

export function IntentDeltaChart({ deltas, project, a, b, metric }: Props) {
  if (deltas.length === 0) return <p className="text-sm text-muted">No paired cases.</p>;
  const scale = Math.max(...deltas.map((d) => Math.abs(d.successB - d.successA) / d.paired));
  const [nameA, nameB] = [shortName(a, RUN_MAX), shortName(b, RUN_MAX)];
  return (
    <div className="overflow-x-auto rounded-lg border border-line bg-white">
      <table className="w-full text-left text-sm" data-testid="intent-deltas">
        <caption className="sr-only">Success rate of <bdi>{b}</bdi> minus <bdi>{a}</bdi> per ground-truth intent, over the paired cases, largest gain first</caption>
        <thead className="bg-canvas text-xs uppercase tracking-wide text-muted">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">Ground truth</th>
            <th scope="col" className="px-3 py-2 font-medium">Change, B − A</th>
            <th scope="col" className="px-3 py-2 text-right font-medium"><Name text={a} max={RUN_MAX} /></th>
            <th scope="col" className="px-3 py-2 text-right font-medium"><Name text={b} max={RUN_MAX} /></th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Paired cases</th>
          </tr>
        </thead>
        <tbody>
          {deltas.map((d) => {
            const change = d.successB - d.successA;
            const width = scale > 0 ? (Math.abs(change) / d.paired / scale) * 50 : 0;
            const text = signedPoints(change, d.paired);
            const tone = change > 0 ? "bg-good" : "bg-bad";
            return (
              <tr key={d.intent} data-testid={`intent-delta-${d.intent}`} className="border-t border-line">
                <th scope="row" className="max-w-60 px-3 py-1.5 font-normal"><code className="text-ink"><Name text={d.intent} max={32} /></code></th>
                <td className="px-3 py-1.5">
                  <a href={comparisonCasesHref(project, { a, b, success: metric, agreement: "paired", expectedIntent: d.intent })} data-testid="bar"
                    aria-label={`${shortName(d.intent, 32)}: ${text} from ${nameA} to ${nameB} on ${d.paired} paired cases`}
                    className="flex items-center gap-2 underline-offset-2 hover:underline">
                    <span aria-hidden="true" className="relative block h-3.5 w-40 shrink-0 rounded-sm bg-canvas">
                      <span className="absolute inset-y-0 left-1/2 w-px bg-muted/50" />
                      {change !== 0 ? <span className={`absolute inset-y-0 ${change > 0 ? "left-1/2" : "right-1/2"} ${barWidth(width)} ${tone}`} /> : null}
                    </span>
                    <span className={`tabular-nums font-semibold ${change > 0 ? "text-good" : change < 0 ? "text-bad" : "text-muted"}`} data-testid="change">{text}</span>
                  </a>
                </td>
                <td className="px-3 py-1.5 text-right tabular-nums">
                  <a href={casesHref(project, { run: a, expectedIntent: d.intent })} data-testid="rate-a" className="underline-offset-2 hover:underline">{percent(d.successA / d.paired)}</a>
                </td>
                <td className="px-3 py-1.5 text-right tabular-nums">
                  <a href={casesHref(project, { run: b, expectedIntent: d.intent })} data-testid="rate-b" className="underline-offset-2 hover:underline">{percent(d.successB / d.paired)}</a>
                </td>
                <td className="px-3 py-1.5 text-right tabular-nums text-muted" data-testid="intent-paired">{count(d.paired)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
