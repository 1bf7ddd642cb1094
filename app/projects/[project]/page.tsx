import type { Metadata } from "next";
import { DroppedNotice } from "@/components/dropped-notice";
import { IntentBreakdown, type BreakdownRow } from "@/components/leaderboard/intent-breakdown";
import { RunTable } from "@/components/leaderboard/run-table";
import { pool } from "@/lib/db/pool";
import { JudgeView } from "@/components/judging/judge-view";
import { leaderboard, leaderboardForJudge, verdictJudges, type RunMetrics } from "@/lib/metrics/queries";
import { projectAccess } from "@/lib/auth/access";
import { intentLabels } from "@/lib/taxonomy/intents";
import { parseSearchParamsReporting, textParam, type SearchParams } from "@/lib/url-state";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Leaderboard" };

function breakdown(runs: RunMetrics[], intents: { id: string; label: string }[]): BreakdownRow[] {
  const labels = new Map(intents.map((intent) => [intent.id, intent.label]));
  const rows = new Map<string, BreakdownRow>();
  for (const run of runs) {
    for (const entry of run.perIntent) {
      const row = rows.get(entry.id) ?? { intent: entry.id, label: labels.get(entry.id) ?? entry.id, support: 0, runs: {} };
      row.support = Math.max(row.support, entry.total);
      row.runs[run.run] = { total: entry.total, intent: entry.intent, policy: entry.policy, system: entry.system };
      rows.set(entry.id, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.label.localeCompare(b.label));
}

export default async function LeaderboardPage({ params, searchParams }: { params: Promise<{ project: string }>; searchParams: Promise<SearchParams> }) {
  const { project: name } = await params;
  const { project } = await projectAccess(name);
  const { values: state, dropped } = parseSearchParamsReporting({ judge: textParam(200) }, await searchParams);
  const judges = await verdictJudges(pool(), project.id);
  // `?judge=J`: J's verdicts alone (computed from the completions); an unknown name falls back to the counted verdicts.
  const shown = state.judge !== undefined && judges.names.includes(state.judge) ? state.judge : null;
  const [runs, labels] = await Promise.all([shown === null ? leaderboard(pool(), project.id) : leaderboardForJudge(pool(), project.id, shown), intentLabels(project.id)]);

  return (
    <div className="space-y-10">
      <section aria-labelledby="runs-heading">
        <h1 id="runs-heading" className="text-2xl font-semibold tracking-tight">Leaderboard</h1>
        <p className="mt-1 max-w-3xl text-sm text-muted">
          Intent accuracy counts format errors as not correct. Policy accuracy leaves pending verdicts out. System accuracy
          counts completions with the right intent <em>and</em> a passing policy verdict, measured per completion; the
          product of the first two is shown only as a reference. Ranges are 95% Wilson intervals.
        </p>
        <div className="mt-4 space-y-3">
          <DroppedNotice dropped={dropped} />
          <JudgeView judges={judges.names} primary={judges.primary} shown={shown} unknown={state.judge !== undefined && shown === null ? state.judge : null} />
        </div>
        <div className="mt-4">
          {runs.length === 0 ? <p className="text-muted">No runs yet: push completions through the API or the import command.</p> : <RunTable runs={runs} project={project.name} judge={shown} />}
        </div>
      </section>
      {runs.length > 0 ? (
        <section aria-labelledby="intents-heading">
          <h2 id="intents-heading" className="text-lg font-semibold">Per intent</h2>
          <p className="mt-1 text-sm text-muted">Support is the number of cases with that ground-truth intent. Rates under 80% are highlighted.</p>
          <div className="mt-3">
            <IntentBreakdown rows={breakdown(runs, labels)} runs={runs.map((run) => run.run)} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
